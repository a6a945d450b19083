//! The host binary as a browser sees it: frames on stdin, frames on stdout.
//! Every kind of bad input gets a structured reply or a clean exit, never a
//! panic or a hang.

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const HOST: &str = env!("CARGO_BIN_EXE_tessera-host");

fn frame(payload: &[u8]) -> Vec<u8> {
    let mut v = (payload.len() as u32).to_ne_bytes().to_vec();
    v.extend_from_slice(payload);
    v
}

fn spawn_host(envs: &[(&str, &str)]) -> Child {
    let data = std::env::temp_dir().join(format!("tessera-wire-{}", std::process::id()));
    let mut cmd = Command::new(HOST);
    cmd.arg("chrome-extension://pchmfhepohaglbnciioapdbphpkoiplm/")
        .env("TESSERA_DATA_DIR", &data)
        // A socket that does not exist: these tests must not depend on a pcscd.
        .env("PCSCLITE_CSOCK_NAME", "/nonexistent/tessera-test/pcscd.comm")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.spawn().expect("start tessera-host")
}

/// Writes `input`, closes stdin, and returns every reply plus the exit status.
/// Fails the test if the host does not exit within 20 s (a hang).
fn exchange(input: &[u8], envs: &[(&str, &str)]) -> (Vec<Value>, std::process::ExitStatus, String) {
    let mut child = spawn_host(envs);
    // Read stdout and stderr while the host runs, as a browser does: a pipe
    // left unread fills (64 KiB) and the host, which does not wait on a reader
    // that stopped reading at shutdown, would drop the replies still queued.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        stdout.read_to_end(&mut out).expect("read stdout");
        out
    });
    let err_reader = std::thread::spawn(move || {
        let mut err = String::new();
        stderr.read_to_string(&mut err).expect("read stderr");
        err
    });
    {
        let mut stdin = child.stdin.take().expect("stdin");
        // The host may stop reading early (broken input): a write error is fine.
        let _ = stdin.write_all(input);
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("tessera-host hung on this input");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let out = out_reader.join().expect("stdout reader");
    let err = err_reader.join().expect("stderr reader");
    (parse_frames(&out), status, err)
}

fn parse_frames(mut out: &[u8]) -> Vec<Value> {
    let mut replies = Vec::new();
    while !out.is_empty() {
        assert!(out.len() >= 4, "trailing garbage on stdout");
        let len = u32::from_ne_bytes([out[0], out[1], out[2], out[3]]) as usize;
        assert!(len <= 1024 * 1024, "reply over the browser limit");
        replies.push(serde_json::from_slice(&out[4..4 + len]).expect("reply is JSON"));
        out = &out[4 + len..];
    }
    replies
}

fn error_code(reply: &Value) -> &str {
    reply["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("not an error reply: {reply}"))
}

#[test]
fn hello_reports_versions_and_capabilities() {
    let (replies, status, _) = exchange(
        &frame(br#"{"id":1,"method":"hello","params":{"client":"test"}}"#),
        &[],
    );
    assert!(status.success());
    assert_eq!(replies.len(), 1);
    let r = &replies[0]["result"];
    assert_eq!(replies[0]["id"], 1);
    assert_eq!(r["host"], "tessera-host");
    assert_eq!(r["host_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(r["protocol_version"], 1);
    assert_eq!(
        r["capabilities"],
        json!([
            "hello",
            "token.list",
            "token.verify_pin",
            "token.forget_pin",
            "token.sign",
            "token.decrypt_session_key",
            "token.export_certificate",
            "store.list",
            "store.read",
            "store.write",
            "store.recipients",
            "store.init",
            "card.status",
            "card.generate",
            "card.change_pin",
            "card.set_reset_code",
            "card.unblock_pin",
            "card.factory_reset"
        ])
    );
    assert_eq!(r["max_response_bytes"], 1024 * 1024);
}

#[test]
fn every_bad_request_gets_its_error_and_the_host_keeps_serving() {
    let mut input = Vec::new();
    input.extend(frame(b"{not json"));
    input.extend(frame(&[0xc3, 0x28]));
    input.extend(frame(br#"[1,2,3]"#));
    input.extend(frame(br#"{"method":"hello"}"#));
    input.extend(frame(br#"{"id":10,"method":"token.erase"}"#));
    input.extend(frame(
        br#"{"id":11,"method":"hello","params":{"protocol_version":"one"}}"#,
    ));
    input.extend(frame(br#"{"id":12,"method":"hello","params":"x"}"#));
    input.extend(frame(br#"{"id":13}"#));
    input.extend(frame(br#"{"id":14,"method":"hello"}"#));
    let (replies, status, stderr) = exchange(&input, &[]);
    assert!(status.success(), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let codes: Vec<(Value, String)> = replies
        .iter()
        .map(|r| {
            (
                r["id"].clone(),
                r["error"]["code"].as_str().unwrap_or("ok").to_owned(),
            )
        })
        .collect();
    let expected: Vec<(Value, String)> = [
        (Value::Null, "invalid_json"),
        (Value::Null, "invalid_utf8"),
        (Value::Null, "invalid_request"),
        (Value::Null, "invalid_request"),
        (json!(10), "unknown_method"),
        (json!(11), "invalid_params"),
        (json!(12), "invalid_params"),
        (json!(13), "invalid_request"),
        (json!(14), "ok"),
    ]
    .into_iter()
    .map(|(id, c)| (id, c.to_owned()))
    .collect();
    // Valid requests run concurrently, so only the last reply may move; all
    // rejections are written in input order before it is handled.
    let mut sorted_replies = codes.clone();
    sorted_replies.sort_by_key(|(id, _)| id.as_u64().unwrap_or(0));
    let mut sorted_expected = expected.clone();
    sorted_expected.sort_by_key(|(id, _)| id.as_u64().unwrap_or(0));
    assert_eq!(sorted_replies, sorted_expected);
    for r in &replies {
        if r.get("error").is_some() {
            assert!(!r["error"]["message"].as_str().unwrap_or("").is_empty());
        }
    }
}

#[test]
fn oversized_frame_is_refused_skipped_and_the_next_answered() {
    let mut input = frame(&vec![b' '; 4096]);
    input.extend(frame(br#"{"id":2,"method":"hello"}"#));
    let (replies, status, _) = exchange(&input, &[("TESSERA_MAX_REQUEST_BYTES", "2048")]);
    assert!(status.success());
    assert_eq!(replies.len(), 2);
    assert_eq!(error_code(&replies[0]), "request_too_large");
    assert!(replies[0]["error"]["message"]
        .as_str()
        .unwrap_or("")
        .contains("2048"));
    assert_eq!(replies[1]["id"], 2);
    assert_eq!(replies[1]["result"]["max_request_bytes"], 2048);
}

#[test]
fn length_prefix_of_4_gib_is_refused_without_allocating_it() {
    let mut input = u32::MAX.to_ne_bytes().to_vec();
    input.extend_from_slice(b"only a few bytes follow");
    let (replies, status, stderr) = exchange(&input, &[]);
    // The browser would have to send 4 GiB: the stream ends first, so the host
    // answers the refusal and exits cleanly when the bytes run out.
    assert!(status.success(), "{stderr}");
    assert_eq!(replies.len(), 1);
    assert_eq!(error_code(&replies[0]), "request_too_large");
}

#[test]
fn truncated_frames_end_the_host_cleanly() {
    let full = frame(br#"{"id":1,"method":"hello"}"#);
    for cut in [2usize, 4, 10] {
        let (replies, status, stderr) = exchange(&full[..cut], &[]);
        assert!(status.success(), "cut {cut}: {stderr}");
        assert!(
            replies.is_empty(),
            "cut {cut}: a truncated frame cannot be answered"
        );
        assert!(
            stderr.contains("ended"),
            "cut {cut}: the host should say why it stopped: {stderr}"
        );
    }
}

#[test]
fn empty_stdin_is_a_clean_exit() {
    let (replies, status, _) = exchange(b"", &[]);
    assert!(status.success());
    assert!(replies.is_empty());
}

#[test]
fn concurrent_requests_all_come_back_with_their_ids() {
    let mut input = Vec::new();
    for id in 0..200u64 {
        let method = if id % 2 == 0 { "hello" } else { "token.list" };
        input.extend(frame(json!({"id": id, "method": method}).to_string().as_bytes()));
    }
    let (replies, status, _) = exchange(&input, &[]);
    assert!(status.success());
    let mut ids: Vec<u64> = replies.iter().map(|r| r["id"].as_u64().expect("id")).collect();
    ids.sort_unstable();
    assert_eq!(ids, (0..200).collect::<Vec<_>>());
    assert!(
        replies.iter().all(|r| r.get("result").is_some()),
        "all valid requests succeed"
    );
}

#[test]
fn token_list_without_pcscd_reports_the_problem_and_still_answers() {
    let (replies, status, _) = exchange(&frame(br#"{"id":5,"method":"token.list"}"#), &[]);
    assert!(status.success());
    let r = &replies[0]["result"];
    let problems = r["problems"].as_array().expect("problems array");
    assert!(
        problems
            .iter()
            .any(|p| p["code"] == "pcsc_unavailable" && p["backend"] == "card"),
        "expected pcsc_unavailable, got {r}"
    );
    assert!(problems[0]["message"].as_str().unwrap_or("").contains("pcscd"));
    assert!(r["tokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .all(|t| t["backend"] != "card"));
}

#[test]
fn invalid_configuration_is_a_clear_failure() {
    let (replies, status, stderr) = exchange(
        &frame(br#"{"id":1,"method":"hello"}"#),
        &[("TESSERA_MAX_REQUEST_BYTES", "lots")],
    );
    assert!(!status.success());
    assert!(replies.is_empty());
    assert!(stderr.contains("TESSERA_MAX_REQUEST_BYTES"), "{stderr}");
}
