//! Encryption and decryption free no copy of the plaintext without wiping it
//! first.
//!
//! A global allocator looks into every block freed while one of them runs
//! and counts those that still hold the plaintext's marker. `Zeroizing`
//! buffers are wiped before they are freed, so they do not count; a copy
//! made by `Vec` growth, by rpgp's literal data packet or by a decryptor's
//! internal buffer would. The message is not compressed: zlib's window is
//! freed unwiped, and the core cannot reach into it (see wasm-core/README.md).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use common::keys::{V4_CERT, V4_FPR, V4_SECRET, V6_CERT, V6_FPR, V6_SECRET};
use common::{now, SoftToken};
use tessera_core::openpgp::ops::encrypt::{self, Payload};
use tessera_core::openpgp::ops::keyring::Keyring;
use tessera_core::openpgp::ops::passwords;
use tessera_core::openpgp::types::Container;
use tessera_core::openpgp::types::Limits;

/// Sixteen octets that occur nowhere but in the plaintext.
const MARKER: [u8; 16] = *b"\x8fTESSERA-MARKS\x01\xfe";

static WATCHING: AtomicBool = AtomicBool::new(false);
static UNWIPED: AtomicUsize = AtomicUsize::new(0);

struct Watch;

// SAFETY: every call is passed on to the system allocator unchanged; the
// only addition reads a block that is still allocated, before freeing it.
unsafe impl GlobalAlloc for Watch {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if WATCHING.load(Ordering::SeqCst) {
            let block = std::slice::from_raw_parts(ptr, layout.size());
            if block.windows(MARKER.len()).any(|w| w == MARKER) {
                UNWIPED.fetch_add(1, Ordering::SeqCst);
            }
        }
        System.dealloc(ptr, layout)
    }
    // `realloc` is left to the default, which goes through `dealloc`.
}

#[global_allocator]
static GLOBAL: Watch = Watch;

/// Runs `work` while watching, and returns how many blocks still holding
/// the marker it freed; `work` checks its own result.
fn unwiped_during(work: impl FnOnce()) -> usize {
    UNWIPED.store(0, Ordering::SeqCst);
    WATCHING.store(true, Ordering::SeqCst);
    work();
    WATCHING.store(false, Ordering::SeqCst);
    UNWIPED.load(Ordering::SeqCst)
}

/// One test, so that no other test's allocations run while watching.
#[test]
fn encryption_and_decryption_free_no_unwiped_copy_of_the_plaintext() {
    let mut ring = Keyring::new();
    ring.import(V4_CERT.as_bytes()).unwrap();
    ring.import(V6_CERT.as_bytes()).unwrap();
    // 80 KiB: several `Vec` doublings, several AEAD chunks... if any copied.
    let plaintext: Vec<u8> = MARKER.iter().copied().cycle().take(80 * 1024).collect();

    // The allocator does see an unwiped copy: the check can fail.
    assert_eq!(unwiped_during(|| drop(plaintext.clone())), 1);
    assert_eq!(
        unwiped_during(|| drop(zeroize::Zeroizing::new(plaintext.clone()))),
        0
    );

    for (fpr, secret, container) in [
        (V4_FPR, V4_SECRET, Container::SeipdV1),
        (V6_FPR, V6_SECRET, Container::SeipdV2),
    ] {
        let cert = ring.require(fpr).unwrap();
        let mut armored = String::new();
        let by_sealing = unwiped_during(|| {
            let sealing = encrypt::prepare_for(&[cert], &[b"pw"], Payload::Data(&plaintext), now()).unwrap();
            assert_eq!(sealing.container(), container);
            armored = sealing.seal().unwrap().armored;
        });
        assert_eq!(by_sealing, 0, "{container:?}, encryption");
        let token = SoftToken::from_armor(secret);

        let by_key = unwiped_during(|| {
            let d = common::decrypt_two_phase(armored.as_bytes(), &ring, &token).unwrap();
            assert!(d.data[..] == plaintext[..]);
        });
        assert_eq!(by_key, 0, "{container:?}, session key from the token");

        let by_password = unwiped_during(|| {
            let (d, _) = passwords::decrypt_with_passwords(
                armored.as_bytes(),
                &[b"pw"],
                &ring,
                &Limits::default(),
                now(),
            )
            .unwrap();
            assert!(d.data[..] == plaintext[..]);
        });
        assert_eq!(by_password, 0, "{container:?}, by password");
    }
}
