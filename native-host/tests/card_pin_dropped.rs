//! A cached PIN is dropped when its card leaves the reader: the same card put
//! back is not unlocked any more.
//!
//! Destroys the virtual card, so it runs in its own with-virtual-card.sh invocation:
//! scripts/lib/with-virtual-card.sh cargo test -p tessera-host --test card_pin_dropped -- --ignored

mod common;

use std::process::{Child, Command};
use std::time::{Duration, Instant};

use common::{card_facts, card_token_id, LiveHost};
use serde_json::json;

/// A card process this test started; killed when the test ends.
struct Card(Child);

impl Drop for Card {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
#[ignore = "needs pcscd and the virtual card: run under scripts/lib/with-virtual-card.sh with --ignored"]
fn pulling_the_card_drops_its_cached_pin() {
    let facts = card_facts();
    let token = card_token_id();
    let data = tempfile::tempdir().expect("tempdir");
    let mut host = LiveHost::start(data.path());
    let pin = std::env::var("TESSERA_TEST_USER_PIN").expect("TESSERA_TEST_USER_PIN");
    let reply = host.call(&json!({"id": 1, "method": "token.verify_pin",
        "params": {"token": token, "pin": pin}}));
    assert_eq!(reply["result"]["verified"], true, "{reply}");
    assert_eq!(host.token(&token).expect("listed")["pin_cached"], true);

    let pid = std::env::var("TESSERA_TEST_VCARD_PID").expect("TESSERA_TEST_VCARD_PID");
    assert!(Command::new("kill").arg(&pid).status().expect("kill").success());
    wait_until("the card to leave the list", || host.token(&token).is_none());
    // Leave the host's presence check (every 0.5 s) time to notice.
    std::thread::sleep(Duration::from_millis(1500));

    // The same card (same AID) back in the reader.
    let bin = std::env::var("TESSERA_VCARD_BIN").expect("TESSERA_VCARD_BIN (set by with-virtual-card.sh)");
    let serial = facts["serial"].as_str().expect("serial");
    let _card = Card(
        Command::new(bin)
            .args(["--port", "35963", "--serial", serial])
            .spawn()
            .expect("start a card"),
    );
    wait_until("the card to be back", || host.token(&token).is_some());
    let listed = host.token(&token).expect("listed");
    assert_eq!(listed["pin_cached"], false, "{listed}");
    assert!(
        host.child.try_wait().expect("try_wait").is_none(),
        "host must keep running"
    );
}
