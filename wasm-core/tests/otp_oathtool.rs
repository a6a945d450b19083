//! The core's TOTP/HOTP codes equal Debian's `oathtool` for 200 seeded random
//! secrets, algorithms, digit counts, periods, times and counters.
//! Needs `oathtool` (scripts/lib/system-deps.sh); without it the test says so
//! and passes, unless TESSERA_REQUIRE_STORE_TOOLS=1 (scripts/test).
#![cfg(all(not(target_arch = "wasm32"), feature = "credentials"))]

use std::process::Command;

use tessera_core::credentials::otp::{Kind, OtpParams};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn oathtool(args: &[String]) -> String {
    let out = Command::new("oathtool")
        .args(args)
        .output()
        .expect("run oathtool");
    assert!(
        out.status.success(),
        "oathtool {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf8").trim().to_owned()
}

#[test]
fn codes_equal_oathtool_for_200_random_cases() {
    if Command::new("oathtool").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("TESSERA_REQUIRE_STORE_TOOLS").is_none(),
            "oathtool is missing: run scripts/lib/system-deps.sh"
        );
        eprintln!("SKIPPED: oathtool is missing (scripts/lib/system-deps.sh installs it)");
        return;
    }
    let mut rng = Rng(20261129);
    for case in 0..200 {
        let secret: Vec<u8> = (0..10 + rng.below(55)).map(|_| rng.next() as u8).collect();
        let mut b32 = data_encoding::BASE32.encode(&secret);
        if rng.below(2) == 0 {
            b32 = b32.trim_end_matches('=').to_ascii_lowercase(); // unpadded, lower case
        }
        let (alg, alg_name) =
            [("SHA1", "sha1"), ("SHA256", "sha256"), ("SHA512", "sha512")][rng.below(3) as usize];
        let digits = 6 + rng.below(3);
        let mut args = vec!["-b".to_owned(), "-d".to_owned(), digits.to_string()];
        let uri;
        let ours;
        if rng.below(4) == 0 {
            let counter = rng.below(1 << 40);
            uri = format!("otpauth://hotp/Test:case{case}?secret={b32}&algorithm={alg}&digits={digits}&counter={counter}");
            // oathtool's HOTP is SHA-1 only.
            let uri = uri.replace(&format!("algorithm={alg}"), "algorithm=SHA1");
            let p = OtpParams::parse(&uri).expect("valid uri");
            assert!(matches!(p.kind, Kind::Hotp { .. }));
            let code = p.code(0);
            assert_eq!(code.next_counter, Some(counter + 1));
            ours = code.code.to_string();
            args.extend(["-c".to_owned(), counter.to_string()]);
        } else {
            let period = [15, 30, 45, 60, 90, 120][rng.below(6) as usize];
            let time = rng.below(4_000_000_000);
            uri = format!("otpauth://totp/Test:case{case}?secret={b32}&algorithm={alg}&digits={digits}&period={period}&issuer=Test");
            let p = OtpParams::parse(&uri).expect("valid uri");
            let code = p.code(time);
            assert_eq!(code.seconds_left, Some(period - time % period));
            ours = code.code.to_string();
            args.extend([
                format!("--totp={alg_name}"),
                "-s".to_owned(),
                format!("{period}s"),
                "-N".to_owned(),
                format!("@{time}"),
            ]);
        }
        args.push(data_encoding::BASE32.encode(&secret));
        assert_eq!(ours, oathtool(&args), "case {case}: {uri}");
    }
}
