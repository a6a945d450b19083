//! A card pulled while the host is running: the host says so and keeps serving.
//!
//! Destroys the virtual card, so it runs in its own with-virtual-card.sh invocation:
//! scripts/lib/with-virtual-card.sh cargo test -p tessera-host --test card_pulled -- --ignored

mod common;

use std::time::{Duration, Instant};

use common::{card_facts, LiveHost};
use serde_json::json;

#[test]
#[ignore = "needs pcscd and the virtual card: run under scripts/lib/with-virtual-card.sh with --ignored"]
fn pulled_card_disappears_from_the_list_and_the_host_survives() {
    let facts = card_facts();
    let data = tempfile::tempdir().expect("tempdir");
    let mut host = LiveHost::start(data.path());
    let before = host.call(&json!({"id": 1, "method": "token.list"}));
    let serials: Vec<_> = before["result"]["tokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .map(|t| t["serial"].clone())
        .collect();
    assert!(
        serials.contains(&facts["serial"]),
        "card present before: {before}"
    );

    let pid: i32 = std::env::var("TESSERA_TEST_VCARD_PID")
        .expect("TESSERA_TEST_VCARD_PID")
        .parse()
        .expect("pid");
    let killed = std::process::Command::new("kill")
        .arg(pid.to_string())
        .status()
        .expect("kill");
    assert!(killed.success());

    // pcscd notices within its 400 ms poll; ask until the card is gone (bounded).
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut id = 2;
    loop {
        let reply = host.call(&json!({"id": id, "method": "token.list"}));
        assert_eq!(reply["id"], id);
        let result = &reply["result"];
        assert!(
            result.is_object(),
            "token.list must still answer with a result: {reply}"
        );
        let still_there = result["tokens"]
            .as_array()
            .expect("tokens")
            .iter()
            .any(|t| t["serial"] == facts["serial"]);
        if !still_there {
            for p in result["problems"].as_array().expect("problems") {
                assert!(
                    ["card_error", "pcsc_unavailable"].contains(&p["code"].as_str().unwrap_or("")),
                    "{p}"
                );
            }
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the pulled card was still listed after 10 s: {reply}"
        );
        std::thread::sleep(Duration::from_millis(100));
        id += 1;
    }
    let hello = host.call(&json!({"id": 999, "method": "hello"}));
    assert_eq!(hello["result"]["host"], "tessera-host");
    assert!(
        host.child.try_wait().expect("try_wait").is_none(),
        "host must keep running"
    );
}
