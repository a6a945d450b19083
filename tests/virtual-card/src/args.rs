//! Command line: `tessera-vcard [--port N] [--serial HEX]`.

use crate::error::{Error, Result};

/// vpcd's first reader ("Virtual PCD 00 00") in Debian's `/etc/reader.conf.d/vpcd`.
pub const DEFAULT_PORT: u16 = 35963;
/// Default card serial (the AID's 4 serial bytes); give each card its own.
pub const DEFAULT_SERIAL: [u8; 4] = [0x00, 0x00, 0x00, 0x01];

pub const USAGE: &str = "\
usage: tessera-vcard [--port N] [--serial HEX]

Test-only virtual OpenPGP card (opcard, RAM storage) for vpcd/pcscd.
  --port N      vpcd TCP port on 127.0.0.1 (default 35963 = \"Virtual PCD 00 00\")
  --serial HEX  4-byte card serial, 1 to 8 hex digits (default 00000001);
                the manufacturer is always FFFE (test range)
  -h, --help    this text";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    pub port: u16,
    pub serial: [u8; 4],
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    Run(Args),
    Help,
}

impl Args {
    pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Parsed> {
        let mut parsed = Args {
            port: DEFAULT_PORT,
            serial: DEFAULT_SERIAL,
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "-h" | "--help" => return Ok(Parsed::Help),
                "--port" => parsed.port = parse_port(&value_of(&mut args, "--port")?)?,
                "--serial" => parsed.serial = parse_serial(&value_of(&mut args, "--serial")?)?,
                other => return Err(Error::Args(format!("unknown argument {other:?}"))),
            }
        }
        Ok(Parsed::Run(parsed))
    }
}

fn value_of(args: &mut impl Iterator<Item = String>, flag: &str) -> Result<String> {
    args.next()
        .ok_or_else(|| Error::Args(format!("{flag} needs a value")))
}

fn parse_port(text: &str) -> Result<u16> {
    match text.parse::<u16>() {
        Ok(port) if port != 0 => Ok(port),
        _ => Err(Error::Args(format!(
            "--port: {text:?} is not a TCP port (1-65535)"
        ))),
    }
}

fn parse_serial(text: &str) -> Result<[u8; 4]> {
    let valid = !text.is_empty() && text.len() <= 8 && text.bytes().all(|b| b.is_ascii_hexdigit());
    let value = if valid {
        u32::from_str_radix(text, 16).ok()
    } else {
        None
    };
    value
        .map(u32::to_be_bytes)
        .ok_or_else(|| Error::Args(format!("--serial: {text:?} is not 1 to 8 hex digits (4 bytes)")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Parsed> {
        Args::parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn defaults_to_first_vpcd_reader() {
        assert_eq!(
            parse(&[]).ok(),
            Some(Parsed::Run(Args {
                port: DEFAULT_PORT,
                serial: DEFAULT_SERIAL
            }))
        );
    }

    #[test]
    fn reads_port_and_serial() {
        assert_eq!(
            parse(&["--port", "35964", "--serial", "A1b2"]).ok(),
            Some(Parsed::Run(Args {
                port: 35964,
                serial: [0, 0, 0xA1, 0xB2]
            }))
        );
    }

    #[test]
    fn rejects_bad_values() {
        for bad in [
            &["--port", "0"][..],
            &["--port", "70000"],
            &["--port"],
            &["--serial", "123456789"],
            &["--serial", "xyz"],
            &["--serial", ""],
            &["--serial", "+1"],
            &["--bogus"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
