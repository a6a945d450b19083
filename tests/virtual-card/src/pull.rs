//! A pulled card, on demand. SIGUSR1 arms one pull: the next command APDU
//! whose instruction is the pull instruction (`--pull-on-ins`, default 2A =
//! PSO: COMPUTE DIGITAL SIGNATURE and DECIPHER) is never answered. The card
//! closes its vpcd connection instead, so pcscd sees the card leave in the
//! middle of that command, stays out for `--pulled-ms`, then connects again
//! (card inserted). SIGUSR2 arms the same pull for the next VERIFY (INS 20):
//! the card leaves while the PIN is on its way, the moment when a host that
//! sent it again on its own would spend a try.
//!
//! The process, and so its RAM storage (keys, PIN retry counters), lives on:
//! a restarted process would be a blank card. A signal rather than a
//! command-line choice because the card must first be provisioned (keys moved
//! to it by GnuPG through the same APDUs) and the test decides when the next
//! operation is the one to break.
//!
//! Not offered: coming back faster than pcscd's 400 ms reader poll. Tried:
//! pcscd then never sees the card leave, and when the host's disconnect
//! (which resets the card) lands while the card is out, the reader stays
//! unusable until the next real removal: 1 run in 3 here. A real reader
//! reports presence from its switch and has no such state.

use std::sync::atomic::{AtomicBool, Ordering};

/// VERIFY: what SIGUSR2 pulls on.
pub const INS_VERIFY: u8 = 0x20;

/// Set by the signal handlers, taken by the APDU loop: SIGUSR1 for the
/// `--pull-on-ins` instruction, SIGUSR2 for VERIFY.
static ARMED: AtomicBool = AtomicBool::new(false);
static ARMED_VERIFY: AtomicBool = AtomicBool::new(false);

/// What the handlers write on stderr, so a test can wait for the card to be
/// armed before it starts the operation (signal delivery is asynchronous).
const ARMED_MESSAGE: &[u8] = b"tessera-vcard: pull armed (SIGUSR1)\n";
const ARMED_VERIFY_MESSAGE: &[u8] = b"tessera-vcard: pull on VERIFY armed (SIGUSR2)\n";

extern "C" fn on_signal(signal: libc::c_int) {
    let (flag, message) = if signal == libc::SIGUSR2 {
        (&ARMED_VERIFY, ARMED_VERIFY_MESSAGE)
    } else {
        (&ARMED, ARMED_MESSAGE)
    };
    flag.store(true, Ordering::SeqCst);
    // SAFETY: write(2) is async-signal-safe; the buffer is a static. A failed
    // write only loses the log line.
    unsafe {
        libc::write(libc::STDERR_FILENO, message.as_ptr().cast(), message.len());
    }
}

/// Installs the SIGUSR1 and SIGUSR2 handlers. Without them either signal
/// would kill the card.
pub fn install() -> std::io::Result<()> {
    for signal in [libc::SIGUSR1, libc::SIGUSR2] {
        // SAFETY: a zeroed sigaction is a valid "no flags, empty mask" value;
        // the handler only touches atomics and calls write(2).
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            // SA_RESTART: the vpcd read in progress goes on instead of failing with EINTR.
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            if libc::sigaction(signal, &action, std::ptr::null_mut()) != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
    }
    Ok(())
}

/// The instruction an armed pull happens on, if `apdu` is the one: once per
/// signal, for the first command APDU with instruction `ins` (SIGUSR1) or
/// VERIFY (SIGUSR2).
pub fn take(apdu: &[u8], ins: u8) -> Option<u8> {
    let &got = apdu.get(1)?;
    let pulled = (got == ins && ARMED.swap(false, Ordering::SeqCst))
        || (got == INS_VERIFY && ARMED_VERIFY.swap(false, Ordering::SeqCst));
    pulled.then_some(got)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_signal_pulls_once_and_only_on_its_instruction() {
        install().expect("install the handlers");
        let sign = [0x00, 0x2A, 0x9E, 0x9A, 0x01, 0x00];
        let verify = [0x00, 0x20, 0x00, 0x81, 0x01, 0x31];
        let select = [0x00, 0xA4, 0x04, 0x00, 0x01, 0xD2];
        assert_eq!(take(&sign, 0x2A), None, "not armed yet");
        // SAFETY: raising signals whose handlers were just installed.
        assert_eq!(unsafe { libc::raise(libc::SIGUSR1) }, 0);
        assert_eq!(take(&select, 0x2A), None, "another instruction does not pull");
        assert_eq!(take(&verify, 0x2A), None, "SIGUSR1 is not for VERIFY");
        assert_eq!(take(&sign, 0x2A), Some(0x2A), "armed: the PSO pulls");
        assert_eq!(take(&sign, 0x2A), None, "one pull per signal");
        assert_eq!(unsafe { libc::raise(libc::SIGUSR2) }, 0);
        assert_eq!(take(&sign, 0x2A), None, "SIGUSR2 is not for the PSO");
        assert_eq!(take(&verify, 0x2A), Some(0x20));
        assert_eq!(take(&verify, 0x2A), None);
    }
}
