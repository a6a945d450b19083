//! A pulled card, on demand. SIGUSR1 arms one pull: the next command APDU
//! whose instruction is the pull instruction (`--pull-on-ins`, default 2A =
//! PSO: COMPUTE DIGITAL SIGNATURE and DECIPHER) is never answered. The card
//! closes its vpcd connection instead, so pcscd sees the card leave in the
//! middle of that command, stays out for `--pulled-ms`, then connects again
//! (card inserted).
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

/// Set by the SIGUSR1 handler, taken by the APDU loop.
static ARMED: AtomicBool = AtomicBool::new(false);

/// What the handler writes on stderr, so a test can wait for the card to be
/// armed before it starts the operation (signal delivery is asynchronous).
const ARMED_MESSAGE: &[u8] = b"tessera-vcard: pull armed (SIGUSR1)\n";

extern "C" fn on_sigusr1(_signal: libc::c_int) {
    ARMED.store(true, Ordering::SeqCst);
    // SAFETY: write(2) is async-signal-safe; the buffer is a static. A failed
    // write only loses the log line.
    unsafe {
        libc::write(
            libc::STDERR_FILENO,
            ARMED_MESSAGE.as_ptr().cast(),
            ARMED_MESSAGE.len(),
        );
    }
}

/// Installs the SIGUSR1 handler. Without it SIGUSR1 would kill the card.
pub fn install() -> std::io::Result<()> {
    // SAFETY: a zeroed sigaction is a valid "no flags, empty mask" value; the
    // handler only touches an atomic and calls write(2).
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_sigusr1 as extern "C" fn(libc::c_int) as libc::sighandler_t;
        // SA_RESTART: the vpcd read in progress goes on instead of failing with EINTR.
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        if libc::sigaction(libc::SIGUSR1, &action, std::ptr::null_mut()) != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// True, once per SIGUSR1, for the first command APDU with instruction `ins`.
pub fn take(apdu: &[u8], ins: u8) -> bool {
    apdu.get(1) == Some(&ins) && ARMED.swap(false, Ordering::SeqCst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_signal_pulls_once_and_only_on_the_instruction() {
        install().expect("install the handler");
        let sign = [0x00, 0x2A, 0x9E, 0x9A, 0x01, 0x00];
        let select = [0x00, 0xA4, 0x04, 0x00, 0x01, 0xD2];
        assert!(!take(&sign, 0x2A), "not armed yet");
        // SAFETY: raising a signal whose handler was just installed.
        assert_eq!(unsafe { libc::raise(libc::SIGUSR1) }, 0);
        assert!(!take(&select, 0x2A), "another instruction does not pull");
        assert!(take(&sign, 0x2A), "armed: the PSO pulls");
        assert!(!take(&sign, 0x2A), "one pull per signal");
    }
}
