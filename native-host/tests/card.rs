//! `token.list` through the real host, a real pcscd and the virtual OpenPGP
//! card, compared with what GnuPG read from the same card.
//!
//! Run: scripts/lib/with-virtual-card.sh cargo test -p tessera-host --test card -- --ignored

mod common;

use common::{card_facts, gpg_algo_short_name, LiveHost};
use serde_json::json;

#[test]
#[ignore = "needs pcscd and the virtual card: run under scripts/lib/with-virtual-card.sh with --ignored"]
fn token_list_shows_the_card_as_gnupg_sees_it() {
    let facts = card_facts();
    let data = tempfile::tempdir().expect("tempdir");
    let mut host = LiveHost::start(data.path());
    let reply = host.call(&json!({"id": 1, "method": "token.list"}));
    let result = &reply["result"];
    assert_eq!(result["problems"], json!([]), "{reply}");
    let cards: Vec<_> = result["tokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .filter(|t| t["backend"] == "card")
        .collect();
    assert_eq!(cards.len(), 1, "{reply}");
    let card = cards[0];
    assert_eq!(card["serial"], facts["serial"]);
    assert_eq!(card["aid"], facts["aid"]);
    assert_eq!(
        card["id"],
        format!("card:{}", facts["aid"].as_str().expect("aid"))
    );
    assert_eq!(card["reader"], facts["reader"]);
    assert_eq!(card["cardholder"], facts["cardholder"]);
    assert!(card["manufacturer"]
        .as_str()
        .expect("manufacturer")
        .starts_with("FFFE"));
    assert_eq!(card["pin_retries"], json!({"user": 3, "reset": 0, "admin": 3}));
    for (i, slot) in ["signature", "decryption", "authentication"].iter().enumerate() {
        let ours = &card["slots"][i];
        assert_eq!(ours["slot"], *slot);
        match facts[slot].as_object() {
            Some(gpg) => {
                assert_eq!(ours["fingerprint"], gpg["fingerprint"], "{slot}");
                assert_eq!(
                    ours["algorithm"],
                    gpg_algo_short_name(gpg["algorithm"].as_str().expect("algorithm")),
                    "{slot}"
                );
            }
            None => assert_eq!(ours["fingerprint"], json!(null), "{slot}"),
        }
    }
}
