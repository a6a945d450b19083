//! Command line: `tessera-vcard [--port N] [--serial HEX] [--pull-on-ins HEX] [--pulled-ms N]`.

use std::time::Duration;

use crate::error::{Error, Result};

/// vpcd's first reader ("Virtual PCD 00 00") in Debian's `/etc/reader.conf.d/vpcd`.
pub const DEFAULT_PORT: u16 = 35963;
/// Default card serial (the AID's 4 serial bytes); give each card its own.
pub const DEFAULT_SERIAL: [u8; 4] = [0x00, 0x00, 0x00, 0x01];
/// PERFORM SECURITY OPERATION: both COMPUTE DIGITAL SIGNATURE and DECIPHER,
/// the commands during which a pulled card hurts most.
pub const DEFAULT_PULL_INS: u8 = 0x2A;
/// Out of the reader long enough for pcscd's 400 ms reader poll to see the
/// card gone, short enough for a test.
pub const DEFAULT_PULLED: Duration = Duration::from_millis(1500);
/// Shorter than pcscd's 400 ms poll (plus slack) and pcscd may never see the
/// card leave: see `pull.rs` for what then goes wrong.
const MIN_PULLED_MS: u64 = 500;
/// A card out for longer is a test waiting for nothing.
const MAX_PULLED_MS: u64 = 60_000;

pub const USAGE: &str = "\
usage: tessera-vcard [--port N] [--serial HEX] [--pull-on-ins HEX] [--pulled-ms N]

Test-only virtual OpenPGP card (opcard, RAM storage) for vpcd/pcscd.
  --port N           vpcd TCP port on 127.0.0.1 (default 35963 = \"Virtual PCD 00 00\")
  --serial HEX       4-byte card serial, 1 to 8 hex digits (default 00000001);
                     the manufacturer is always FFFE (test range)
  --pull-on-ins HEX  instruction byte an armed pull waits for (default 2A:
                     PSO, i.e. COMPUTE DIGITAL SIGNATURE and DECIPHER)
  --pulled-ms N      how long a pulled card stays out of the reader
                     (default 1500, from 500 to 60000: pcscd polls
                     its readers every 400 ms)
  -h, --help         this text

SIGUSR1 arms one pull: the next command with that instruction is not
answered, the card leaves the reader (vpcd connection closed) and comes back
after --pulled-ms with its keys and PIN counters (same process, same RAM).
SIGUSR2 arms the same pull for the next VERIFY (INS 20).";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    pub port: u16,
    pub serial: [u8; 4],
    /// Instruction byte on which an armed pull happens.
    pub pull_ins: u8,
    /// Time out of the reader after a pull.
    pub pulled: Duration,
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
            pull_ins: DEFAULT_PULL_INS,
            pulled: DEFAULT_PULLED,
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "-h" | "--help" => return Ok(Parsed::Help),
                "--port" => parsed.port = parse_port(&value_of(&mut args, "--port")?)?,
                "--serial" => parsed.serial = parse_serial(&value_of(&mut args, "--serial")?)?,
                "--pull-on-ins" => parsed.pull_ins = parse_ins(&value_of(&mut args, "--pull-on-ins")?)?,
                "--pulled-ms" => parsed.pulled = parse_pulled(&value_of(&mut args, "--pulled-ms")?)?,
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

fn parse_ins(text: &str) -> Result<u8> {
    let valid = text.len() == 2 && text.bytes().all(|b| b.is_ascii_hexdigit());
    valid
        .then(|| u8::from_str_radix(text, 16).ok())
        .flatten()
        .ok_or_else(|| Error::Args(format!("--pull-on-ins: {text:?} is not one byte in 2 hex digits")))
}

fn parse_pulled(text: &str) -> Result<Duration> {
    match text.parse::<u64>() {
        Ok(ms) if (MIN_PULLED_MS..=MAX_PULLED_MS).contains(&ms) => Ok(Duration::from_millis(ms)),
        _ => Err(Error::Args(format!(
            "--pulled-ms: {text:?} is not a number of milliseconds from {MIN_PULLED_MS} to {MAX_PULLED_MS}"
        ))),
    }
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
                serial: DEFAULT_SERIAL,
                pull_ins: DEFAULT_PULL_INS,
                pulled: DEFAULT_PULLED,
            }))
        );
    }

    #[test]
    fn reads_port_and_serial() {
        assert_eq!(
            parse(&["--port", "35964", "--serial", "A1b2"]).ok(),
            Some(Parsed::Run(Args {
                port: 35964,
                serial: [0, 0, 0xA1, 0xB2],
                pull_ins: DEFAULT_PULL_INS,
                pulled: DEFAULT_PULLED,
            }))
        );
    }

    #[test]
    fn reads_pull_instruction_and_time_out() {
        assert_eq!(
            parse(&["--pull-on-ins", "20", "--pulled-ms", "500"]).ok(),
            Some(Parsed::Run(Args {
                port: DEFAULT_PORT,
                serial: DEFAULT_SERIAL,
                pull_ins: 0x20,
                pulled: Duration::from_millis(500),
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
            &["--pull-on-ins", "2"],
            &["--pull-on-ins", "2A2"],
            &["--pull-on-ins", "+A"],
            &["--pull-on-ins", "zz"],
            &["--pulled-ms", "-1"],
            &["--pulled-ms", "0"],
            &["--pulled-ms", "499"],
            &["--pulled-ms", "60001"],
            &["--pulled-ms"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
