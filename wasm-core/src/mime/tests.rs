//! Tests of the MIME module: round trips, hand-written real-world fixtures,
//! and one test per malformed-input error.

use super::encoding::{decode_base64, decode_quoted_printable, encode_quoted_printable, write_base64};
use super::*;

/// Deterministic test randomness (xorshift64*).
fn rng(seed: u64) -> impl FnMut(&mut [u8]) {
    let mut s = seed.max(1);
    move |buf: &mut [u8]| {
        for b in buf {
            s ^= s >> 12;
            s ^= s << 25;
            s ^= s >> 27;
            *b = (s.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8;
        }
    }
}

fn random_bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut v = vec![0; n];
    rng(seed)(&mut v);
    v
}

const ARMORED_MESSAGE: &str =
    "-----BEGIN PGP MESSAGE-----\n\nhF4DAAAAAAAAAAASAQdAx1XHNMZa6bgdHcxQ\n=AbCd\n-----END PGP MESSAGE-----\n";
const ARMORED_SIGNATURE: &str =
    "-----BEGIN PGP SIGNATURE-----\n\niHUEARYIAB0WIQT\n=XyZw\n-----END PGP SIGNATURE-----\n";

// ---------------------------------------------------------------- round trips

#[test]
fn text_only_round_trips_as_single_part() {
    let msg = Cleartext {
        text: "Hello,\nplain ASCII.\n",
        ..Default::default()
    };
    let built = msg.build(&mut rng(1)).unwrap();
    assert!(built
        .starts_with(b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"));
    let c = parse_content(&built).unwrap();
    assert_eq!(c.text, "Hello,\nplain ASCII.\n");
    assert!(c.attachments.is_empty());
}

#[test]
fn non_ascii_text_is_quoted_printable_unless_8bit_allowed() {
    let text = "Grüße, ça va ? — 日本語\nFrom here on\ntrailing space \n-- \nsig";
    let qp = Cleartext {
        text,
        ..Default::default()
    }
    .build(&mut rng(2))
    .unwrap();
    assert!(qp.is_ascii());
    assert!(contains(&qp, b"Content-Transfer-Encoding: quoted-printable"));
    assert!(contains(&qp, b"\r\n=46rom here on"), "a leading From is encoded");
    assert!(
        contains(&qp, b"trailing space=20\r\n"),
        "trailing space is encoded"
    );
    assert_eq!(parse_content(&qp).unwrap().text, text);

    let eight = Cleartext {
        text: "Grüße\nça va",
        allow_8bit: true,
        ..Default::default()
    }
    .build(&mut rng(2))
    .unwrap();
    assert!(contains(&eight, b"Content-Transfer-Encoding: 8bit"));
    assert_eq!(parse_content(&eight).unwrap().text, "Grüße\nça va");
}

#[test]
fn long_lines_are_soft_broken_at_76() {
    let text = "é".repeat(100) + &"x".repeat(200);
    let built = Cleartext {
        text: &text,
        ..Default::default()
    }
    .build(&mut rng(3))
    .unwrap();
    let body = &built[built.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4..];
    assert!(
        body.split(|&b| b == b'\n').all(|l| l.len() <= 77),
        "76 characters plus CR"
    );
    assert_eq!(parse_content(&built).unwrap().text, text);
}

#[test]
fn html_alternative_and_attachments_round_trip() {
    let pdf = random_bytes(3000, 7);
    let names = [
        "rapport-été.pdf",
        "日本語のファイル名がとても長い場合でも正しく分割されるべきです.txt",
        "plain \"quoted\".bin",
    ];
    let msg = Cleartext {
        text: "See attached.\n",
        html: Some("<p>See <b>attached</b>.</p>\n"),
        attachments: vec![
            Attachment {
                filename: names[0],
                content_type: None,
                data: &pdf,
            },
            Attachment {
                filename: names[1],
                content_type: None,
                data: b"hello",
            },
            Attachment {
                filename: names[2],
                content_type: Some("Application/X-Custom"),
                data: b"",
            },
        ],
        allow_8bit: false,
    };
    let built = msg.build(&mut rng(4)).unwrap();
    assert!(built.is_ascii());
    assert!(built.starts_with(b"Content-Type: multipart/mixed;"));
    assert!(contains(&built, b"multipart/alternative"));
    assert!(
        contains(&built, b"filename*=utf-8''rapport-%C3%A9t%C3%A9.pdf"),
        "RFC 2231 for non-ASCII names"
    );
    assert!(
        contains(&built, b"filename*1*="),
        "long names are split into RFC 2231 sections"
    );
    let long: Vec<_> = built
        .split(|&b| b == b'\n')
        .filter(|l| l.len() > 78)
        .map(String::from_utf8_lossy)
        .collect();
    assert!(long.is_empty(), "lines over 76 characters plus CRLF: {long:?}");

    let c = parse_content(&built).unwrap();
    assert_eq!(c.text, "See attached.\n");
    assert_eq!(c.html.as_deref(), Some("<p>See <b>attached</b>.</p>\n"));
    assert_eq!(c.attachments.len(), 3);
    assert_eq!(c.attachments[0].filename.as_deref(), Some(names[0]));
    assert_eq!(c.attachments[0].content_type, "application/pdf");
    assert_eq!(c.attachments[0].data, pdf);
    assert_eq!(c.attachments[1].filename.as_deref(), Some(names[1]));
    assert_eq!(c.attachments[1].content_type, "text/plain");
    assert_eq!(c.attachments[1].data, b"hello");
    assert_eq!(c.attachments[2].filename.as_deref(), Some(names[2]));
    assert_eq!(c.attachments[2].content_type, "application/x-custom");
    assert!(c.attachments[2].data.is_empty());
}

#[test]
fn ten_mib_random_attachment_round_trips() {
    let data = random_bytes(10 << 20, 99);
    let msg = Cleartext {
        text: "big one",
        attachments: vec![Attachment {
            filename: "данные.bin",
            content_type: None,
            data: &data,
        }],
        ..Default::default()
    };
    let built = msg.build(&mut rng(5)).unwrap();
    // base64 of 10 MiB is 13,981,016 characters in 183,961 lines of 76 + CRLF.
    assert!(built.len() < 14_400_000, "{}", built.len());
    let c = parse_content(&built).unwrap();
    assert_eq!(c.text, "big one");
    assert_eq!(c.attachments[0].filename.as_deref(), Some("данные.bin"));
    assert_eq!(c.attachments[0].content_type, "application/octet-stream");
    assert!(
        c.attachments[0].data == data,
        "10 MiB attachment differs after the round trip"
    );
}

#[test]
fn base64_lines_are_76_and_decode_back() {
    for n in [0, 1, 2, 3, 56, 57, 58, 114, 1000] {
        let data = random_bytes(n, n as u64 + 1);
        let mut out = Vec::new();
        write_base64(&data, &mut out).unwrap();
        assert_eq!(out.len(), encoding::base64_len(n));
        assert!(out.split(|&b| b == b'\n').all(|l| l.len() <= 77));
        assert_eq!(decode_base64(&out).unwrap(), data, "length {n}");
    }
    assert_eq!(
        decode_base64(b"SGVsbG8").unwrap(),
        b"Hello",
        "missing padding accepted"
    );
}

#[test]
fn quoted_printable_round_trips_every_byte_value_in_text() {
    let text: String = (1u32..0x300)
        .filter_map(char::from_u32)
        .filter(|c| *c != '\r' && *c != '\n')
        .collect();
    let enc = encode_quoted_printable(&text);
    assert_eq!(decode_quoted_printable(&enc).unwrap(), text.as_bytes());
}

#[test]
fn boundary_is_redrawn_when_the_content_contains_it() {
    let mut first = String::new();
    {
        // The boundary the first draw of rng(6) gives.
        let b = new_boundary(&mut rng(6), &[]).unwrap();
        first.push_str(&format!("--{b}"));
    }
    let text = format!("{first}\nline after");
    let msg = Cleartext {
        text: &text,
        attachments: vec![Attachment {
            filename: "a.txt",
            content_type: None,
            data: b"x",
        }],
        ..Default::default()
    };
    let built = msg.build(&mut rng(6)).unwrap();
    let c = parse_content(&built).unwrap();
    assert_eq!(c.text, text);
    assert!(!contains(
        &built,
        format!("boundary=\"{}\"", &first[2..]).as_bytes()
    ));

    let mut constant = |buf: &mut [u8]| buf.fill(7);
    let b = new_boundary(&mut constant, &[]).unwrap();
    let err = new_boundary(&mut constant, &[format!("x--{b}").as_bytes()]).unwrap_err();
    assert_eq!(err, MimeError::BoundaryCollision { tries: 8 });
}

// -------------------------------------------------------------- RFC 3156 build

#[test]
fn encrypted_build_then_detect() {
    let built = build_encrypted(ARMORED_MESSAGE.as_bytes(), &mut rng(8)).unwrap();
    assert!(built
        .content_type
        .starts_with("multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"tessera-"));
    let text = String::from_utf8(built.entity.clone()).unwrap();
    assert!(text.contains("\r\nContent-Type: application/pgp-encrypted\r\n"));
    assert!(text.contains("\r\n\r\nVersion: 1\r\n"));
    assert!(text.contains("\r\nContent-Type: application/octet-stream"));
    assert!(!text.replace("\r\n", "").contains('\n'), "CRLF only");
    match detect(&built.entity).unwrap() {
        Detected::Encrypted { armored } => assert_eq!(
            armored,
            ARMORED_MESSAGE.trim_end().replace('\n', "\r\n").as_bytes()
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn signed_canonical_bytes_are_exactly_what_detect_returns() {
    let entity = Cleartext {
        text: "Signed text  \nwith trailing spaces\t\n",
        ..Default::default()
    }
    .build(&mut rng(9))
    .unwrap();
    // Simulate an editor producing LF and trailing whitespace in headers.
    let mut lf = String::from_utf8(entity).unwrap().replace("\r\n", "\n");
    lf.insert_str(0, "X-Note: spaced   \n");
    let part = SignedPart::new(lf.as_bytes()).unwrap();
    let to_sign = part.bytes_to_sign();
    assert!(to_sign.starts_with(b"X-Note: spaced\r\nContent-Type: text/plain"));
    assert!(!to_sign.windows(3).any(|w| w == b" \r\n" || w == b"\t\r\n"));
    assert!(!has_bare_lf(to_sign));

    let built = part
        .build(ARMORED_SIGNATURE.as_bytes(), "pgp-sha256", &mut rng(10))
        .unwrap();
    assert!(built.content_type.starts_with(
        "multipart/signed; micalg=pgp-sha256; protocol=\"application/pgp-signature\"; boundary="
    ));
    match detect(&built.entity).unwrap() {
        Detected::Signed {
            signed_bytes,
            signature,
            micalg,
        } => {
            assert_eq!(signed_bytes, to_sign);
            assert_eq!(
                signature,
                ARMORED_SIGNATURE.trim_end().replace('\n', "\r\n").as_bytes()
            );
            assert_eq!(micalg.as_deref(), Some("pgp-sha256"));
        }
        other => panic!("{other:?}"),
    }
    // The signed content parses back to the text (QP kept the trailing spaces).
    assert_eq!(
        parse_content(&built.entity).unwrap().text,
        "Signed text  \nwith trailing spaces\t\n"
    );
}

/// True when a bare LF (not preceded by CR) is present.
fn has_bare_lf(b: &[u8]) -> bool {
    b.iter()
        .enumerate()
        .any(|(i, &c)| c == b'\n' && (i == 0 || b[i - 1] != b'\r'))
}

#[test]
fn signed_part_rejects_8bit_and_build_rejects_bad_inputs() {
    assert_eq!(
        SignedPart::new("Grüße".as_bytes()).unwrap_err(),
        MimeError::NotSevenBit {
            offset: 2,
            byte: 0xc3
        }
    );
    let part = SignedPart::new(b"Content-Type: text/plain\r\n\r\nhi").unwrap();
    assert_eq!(
        part.build(ARMORED_SIGNATURE.as_bytes(), "sha256", &mut rng(1))
            .unwrap_err(),
        MimeError::InvalidMicalg("sha256".into())
    );
    assert_eq!(
        part.build(b"not armored", "pgp-sha256", &mut rng(1)).unwrap_err(),
        MimeError::NotArmored {
            expected: "PGP SIGNATURE"
        }
    );
    assert_eq!(
        build_encrypted(ARMORED_SIGNATURE.as_bytes(), &mut rng(1)).unwrap_err(),
        MimeError::NotArmored {
            expected: "PGP MESSAGE"
        }
    );
    let bad_type = Cleartext {
        text: "x",
        attachments: vec![Attachment {
            filename: "a",
            content_type: Some("nonsense"),
            data: b"",
        }],
        ..Default::default()
    };
    assert_eq!(
        bad_type.build(&mut rng(1)).unwrap_err(),
        MimeError::InvalidContentType("nonsense".into())
    );
    let bad_name = Cleartext {
        text: "x",
        attachments: vec![Attachment {
            filename: "dir/",
            content_type: None,
            data: b"",
        }],
        ..Default::default()
    };
    assert_eq!(
        bad_name.build(&mut rng(1)).unwrap_err(),
        MimeError::InvalidFilename("dir/".into())
    );
}

// ------------------------------------------------- real-world style fixtures

/// Hand-written after RFC 3156 §4's example and the layout Thunderbird
/// (Enigmail's successor) produces: headers of a real mail, LF line endings as
/// saved to disk, preamble line, `Version: 1` control part.
const THUNDERBIRD_ENCRYPTED: &str = "\
Return-Path: <alice@example.org>
Message-ID: <5f1e2d3c-0000-4a5b-9c8d-111111111111@example.org>
Date: Sat, 28 Nov 2026 10:15:02 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
From: Alice <alice@example.org>
To: Bob <bob@example.net>
Subject: ...
Content-Type: multipart/encrypted;
 protocol=\"application/pgp-encrypted\";
 boundary=\"------------enig2A3C4B5D6E7F8091A2B3C4D5\"

This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)
--------------enig2A3C4B5D6E7F8091A2B3C4D5
Content-Type: application/pgp-encrypted
Content-Description: PGP/MIME version identification

Version: 1

--------------enig2A3C4B5D6E7F8091A2B3C4D5
Content-Type: application/octet-stream; name=\"encrypted.asc\"
Content-Description: OpenPGP encrypted message
Content-Disposition: inline; filename=\"encrypted.asc\"

-----BEGIN PGP MESSAGE-----

wV4DR2b2udXyHrYSAQdAO6LVPn5R8Y9nI8w0XSDJBHl8iQwnWTB7a9pTQxU0Byow
0sBJAVGZlxa8rX6yD+5u0T6t1yYtH1F6yVNjjr+qf0pNQ7fbQQ==
=UK8v
-----END PGP MESSAGE-----

--------------enig2A3C4B5D6E7F8091A2B3C4D5--
";

#[test]
fn thunderbird_style_encrypted_message() {
    match detect(THUNDERBIRD_ENCRYPTED.as_bytes()).unwrap() {
        Detected::Encrypted { armored } => {
            let a = String::from_utf8(armored).unwrap();
            assert!(a.starts_with("-----BEGIN PGP MESSAGE-----\n\nwV4DR2b2"));
            assert!(a.ends_with("=UK8v\n-----END PGP MESSAGE-----"));
        }
        other => panic!("{other:?}"),
    }
}

/// Hand-written after RFC 3156 §5's example as a GnuPG-based mailer (mutt with
/// gpg) sends it: CRLF on the wire, the signed part a multipart/mixed with a
/// quoted-printable text and an attachment, micalg pgp-sha256.
const GNUPG_SIGNED: &str = "\
From: Michael Elkins <elkins@example.com>\r
To: Bob <bob@example.net>\r
Subject: signed\r
Mime-Version: 1.0\r
Content-Type: multipart/signed; micalg=pgp-sha256;\r
\tprotocol=\"application/pgp-signature\"; boundary=\"=--\"\r
Content-Disposition: inline\r
\r
This is a digitally signed message (RFC 3156).\r
\r
--=--\r
Content-Type: multipart/mixed; boundary=\"inner\"\r
\r
--inner\r
Content-Type: text/plain; charset=iso-8859-1\r
Content-Transfer-Encoding: quoted-printable\r
\r
Hi Bob, na=EFve caf=E9.=\r
 Signed.\r
--inner\r
Content-Type: application/octet-stream\r
Content-Disposition: attachment; filename*=iso-8859-1''r%E9sum%E9.txt\r
Content-Transfer-Encoding: base64\r
\r
aGVsbG8gd29ybGQ=\r
--inner--\r
\r
--=--\r
Content-Type: application/pgp-signature; name=\"signature.asc\"\r
Content-Description: OpenPGP digital signature\r
\r
-----BEGIN PGP SIGNATURE-----\r
\r
iHUEARYIAB0WIQTsigned\r
=abcd\r
-----END PGP SIGNATURE-----\r
\r
--=----\r
";

#[test]
fn gnupg_style_signed_message() {
    let Detected::Signed {
        signed_bytes,
        signature,
        micalg,
    } = detect(GNUPG_SIGNED.as_bytes()).unwrap()
    else {
        panic!("not detected as signed")
    };
    let start = GNUPG_SIGNED.find("Content-Type: multipart/mixed").unwrap();
    let end = GNUPG_SIGNED
        .find("\r\n--=--\r\nContent-Type: application/pgp-signature")
        .unwrap();
    assert_eq!(
        signed_bytes,
        &GNUPG_SIGNED.as_bytes()[start..end],
        "exactly the first part, without the CRLF before the delimiter"
    );
    assert!(signed_bytes.ends_with(b"--inner--\r\n"));
    assert!(
        signature.starts_with(b"-----BEGIN PGP SIGNATURE-----")
            && signature.ends_with(b"-----END PGP SIGNATURE-----")
    );
    assert_eq!(micalg.as_deref(), Some("pgp-sha256"));

    let c = parse_content(GNUPG_SIGNED.as_bytes()).unwrap();
    assert_eq!(c.text, "Hi Bob, naïve café. Signed.");
    assert_eq!(c.attachments.len(), 1, "the signature is not an attachment");
    assert_eq!(c.attachments[0].filename.as_deref(), Some("résumé.txt"));
    assert_eq!(c.attachments[0].data, b"hello world");
}

#[test]
fn signed_bytes_of_an_lf_message_are_canonicalised_to_crlf() {
    let lf = GNUPG_SIGNED.replace("\r\n", "\n");
    let Detected::Signed { signed_bytes, .. } = detect(lf.as_bytes()).unwrap() else {
        panic!()
    };
    let crlf = detect(GNUPG_SIGNED.as_bytes()).unwrap();
    assert!(matches!(crlf, Detected::Signed { signed_bytes: ref s, .. } if *s == signed_bytes));
}

/// Hand-written after what Roundcube sends with its Enigma plugin in inline
/// mode (or a user pasting gpg output): a plain text/plain, quoted-printable,
/// with the armored block between ordinary lines.
const ROUNDCUBE_INLINE: &str = "\
MIME-Version: 1.0\r
Date: Sun, 29 Nov 2026 09:00:00 +0100\r
From: carol@example.com\r
To: dave@example.net\r
Subject: =?UTF-8?Q?r=C3=A9union?=\r
User-Agent: Roundcube Webmail/1.6.9\r
Content-Type: text/plain; charset=UTF-8;\r
 format=flowed\r
Content-Transfer-Encoding: quoted-printable\r
\r
Bonjour =C3=A0 tous,\r
\r
-----BEGIN PGP MESSAGE-----\r
\r
hQEMA9mAxW1pXjWSAQf/Ue0kMzTe7dEB\r
=3DZ9kT\r
-----END PGP MESSAGE-----\r
\r
  -----BEGIN PGP SIGNED MESSAGE-----\r
Hash: SHA256\r
\r
sign=C3=A9\r
-----BEGIN PGP SIGNATURE-----\r
\r
iQEzBAEBCAAdFiEE\r
-----END PGP SIGNATURE-----\r
--=20\r
Carol\r
";

#[test]
fn roundcube_style_inline_blocks_with_offsets() {
    let Detected::Inline(blocks) = detect(ROUNDCUBE_INLINE.as_bytes()).unwrap() else {
        panic!("not inline")
    };
    assert_eq!(blocks.len(), 2);
    let first = &blocks[0];
    assert_eq!(first.part, Vec::<usize>::new());
    assert_eq!(first.armor.kind, ArmorKind::Message);
    let block = &first.text[first.armor.start..first.armor.end];
    assert!(block.starts_with("-----BEGIN PGP MESSAGE-----\n\nhQEMA9m"));
    assert!(
        block.ends_with("=Z9kT\n-----END PGP MESSAGE-----"),
        "QP decoded inside the block"
    );
    assert_eq!(first.armor.start, "Bonjour à tous,\n\n".len());
    let second = &blocks[1];
    assert_eq!(second.armor.kind, ArmorKind::SignedMessage);
    let block = &second.text[second.armor.start..second.armor.end];
    assert!(block.starts_with("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nsigné"));
    assert!(block.ends_with("-----END PGP SIGNATURE-----"));
}

#[test]
fn armored_blocks_in_page_text() {
    let text = "x\n-----BEGIN PGP MESSAGE-----\nabc\n-----END PGP MESSAGE-----\ny";
    assert_eq!(
        find_armored_blocks(text).unwrap(),
        vec![ArmorBlock {
            kind: ArmorKind::Message,
            start: 2,
            end: text.len() - 2
        }]
    );
    assert_eq!(find_armored_blocks("no pgp here").unwrap(), vec![]);
}

#[test]
fn plain_message_is_plain_and_latin1_decodes() {
    let msg = b"Subject: hi\r\nContent-Type: text/plain; charset=\"ISO-8859-1\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\nd\xe9j\xe0 vu\r\n";
    assert_eq!(detect(msg).unwrap(), Detected::Plain);
    assert_eq!(parse_content(msg).unwrap().text, "déjà vu\n");
    let cp1252 = b"Content-Type: text/plain; charset=windows-1252\r\n\r\n\x93quoted\x94 \x80";
    assert_eq!(
        parse_content(cp1252).unwrap().text,
        "\u{201c}quoted\u{201d} \u{20ac}"
    );
}

// -------------------------------------------------------------- malformed input

#[test]
fn missing_boundary_parameter() {
    let err = parse_content(b"Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\nhi\r\n--x--\r\n").unwrap_err();
    assert_eq!(
        err,
        MimeError::MissingBoundary {
            content_type: "multipart/mixed".into()
        }
    );
    assert!(err.to_string().contains("no boundary parameter"));
}

#[test]
fn body_without_opening_boundary() {
    let err = parse_content(b"Content-Type: multipart/mixed; boundary=b\r\n\r\nno delimiters at all\r\n")
        .unwrap_err();
    assert_eq!(err, MimeError::NoOpeningBoundary { boundary: "b".into() });
}

#[test]
fn unterminated_part() {
    let err = parse_content(
        b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\ncut off",
    )
    .unwrap_err();
    assert_eq!(err, MimeError::UnterminatedMultipart { boundary: "b".into() });
    assert!(err.to_string().contains("\"--b--\""));
    // A truncated PGP/MIME message is refused, not half-read.
    let truncated = &THUNDERBIRD_ENCRYPTED[..THUNDERBIRD_ENCRYPTED.len() - 50];
    assert!(matches!(
        detect(truncated.as_bytes()),
        Err(MimeError::UnterminatedMultipart { .. })
    ));
}

#[test]
fn bad_base64() {
    let err = parse_content(b"Content-Type: application/pdf\r\nContent-Disposition: attachment\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVs*G8=\r\n").unwrap_err();
    assert_eq!(
        err,
        MimeError::BadBase64 {
            offset: 4,
            detail: "character outside the base64 alphabet"
        }
    );
    assert_eq!(
        decode_base64(b"SGVsbG8=QQ==").unwrap_err(),
        MimeError::BadBase64 {
            offset: 8,
            detail: "data after the final '=' padding"
        }
    );
    assert_eq!(
        decode_base64(b"S").unwrap_err(),
        MimeError::BadBase64 {
            offset: 1,
            detail: "truncated: a single character in the last group"
        }
    );
    assert_eq!(
        decode_base64(b"S===").unwrap_err(),
        MimeError::BadBase64 {
            offset: 1,
            detail: "padding '=' too early in a group"
        }
    );
}

#[test]
fn bad_quoted_printable_and_unknown_encodings() {
    let err = parse_content(b"Content-Transfer-Encoding: quoted-printable\r\n\r\nab=ZZ").unwrap_err();
    assert_eq!(
        err,
        MimeError::BadQuotedPrintable {
            offset: 2,
            detail: "'=' not followed by two hex digits or a line break"
        }
    );
    let err = parse_content(b"Content-Transfer-Encoding: x-uuencode\r\n\r\nbegin").unwrap_err();
    assert_eq!(err, MimeError::UnsupportedTransferEncoding("x-uuencode".into()));
    let err = parse_content(b"Content-Type: text/plain; charset=koi8-r\r\n\r\n\xc1").unwrap_err();
    assert_eq!(err, MimeError::UnsupportedCharset("koi8-r".into()));
    let err = parse_content(b"Content-Type: text/plain; charset=utf-8\r\n\r\n\xff").unwrap_err();
    assert_eq!(
        err,
        MimeError::InvalidText {
            charset: "UTF-8".into()
        }
    );
}

#[test]
fn nesting_deeper_than_the_limit() {
    let depth = 20;
    let mut msg = String::new();
    for i in 0..depth {
        msg.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n"
        ));
    }
    msg.push_str("\r\nleaf");
    for i in (0..depth).rev() {
        msg.push_str(&format!("\r\n--b{i}--"));
    }
    let err = parse_content(msg.as_bytes()).unwrap_err();
    assert_eq!(err, MimeError::TooDeep { limit: 16 });
    let roomy = Limits {
        max_depth: 32,
        ..Limits::default()
    };
    assert_eq!(parse_content_with(msg.as_bytes(), roomy).unwrap().text, "leaf");
}

#[test]
fn size_and_part_count_over_the_limit() {
    let limits = Limits {
        max_size: 100,
        ..Limits::default()
    };
    assert_eq!(
        parse_content_with(&[b'a'; 101], limits).unwrap_err(),
        MimeError::TooLarge {
            size: 101,
            limit: 100
        }
    );
    let mut many = String::from("Content-Type: multipart/mixed; boundary=b\r\n\r\n");
    for _ in 0..20 {
        many.push_str("--b\r\n\r\nx\r\n");
    }
    many.push_str("--b--\r\n");
    let limits = Limits {
        max_parts: 10,
        ..Limits::default()
    };
    assert_eq!(
        detect_with(many.as_bytes(), limits).unwrap_err(),
        MimeError::TooManyParts { limit: 10 }
    );
}

#[test]
fn malformed_header_line() {
    let err = parse_content(b"Subject: ok\r\nthis is not a header\r\n\r\nbody").unwrap_err();
    assert!(matches!(err, MimeError::BadHeader { line: 2, .. }), "{err}");
    assert!(err.to_string().contains("no ':'"));
}

#[test]
fn malformed_pgp_mime_structures() {
    let one_part = "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=b\r\n\r\n--b\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n--b--\r\n";
    assert_eq!(
        detect(one_part.as_bytes()).unwrap_err(),
        MimeError::MalformedPgpMime {
            kind: "encrypted",
            detail: "expected 2 parts, found 1".into()
        }
    );
    let no_version = THUNDERBIRD_ENCRYPTED.replace("Version: 1", "Version: 2");
    assert!(
        matches!(detect(no_version.as_bytes()).unwrap_err(), MimeError::MalformedPgpMime { detail, .. } if detail.contains("Version: 1"))
    );
    let not_armored = THUNDERBIRD_ENCRYPTED.replace("-----BEGIN PGP MESSAGE-----", "garbage");
    assert!(
        matches!(detect(not_armored.as_bytes()).unwrap_err(), MimeError::MalformedPgpMime { detail, .. } if detail.contains("not an armored"))
    );
    let bad_sig = GNUPG_SIGNED.replace(
        "Content-Type: application/pgp-signature",
        "Content-Type: text/plain",
    );
    assert!(matches!(
        detect(bad_sig.as_bytes()).unwrap_err(),
        MimeError::MalformedPgpMime { kind: "signed", .. }
    ));
}

#[test]
fn unterminated_inline_armor() {
    let msg = "Content-Type: text/plain\r\n\r\nhello\r\n-----BEGIN PGP MESSAGE-----\r\nabc\r\n";
    let err = detect(msg.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        MimeError::UnterminatedArmor {
            kind: "PGP MESSAGE",
            offset: 6,
            end_line: "-----END PGP MESSAGE-----"
        }
    );
}

#[test]
fn garbage_never_panics() {
    // Cheap fuzzing: truncations and byte flips of every fixture.
    let fixtures = [THUNDERBIRD_ENCRYPTED, GNUPG_SIGNED, ROUNDCUBE_INLINE];
    let mut r = rng(11);
    for f in fixtures {
        let b = f.as_bytes();
        for cut in (0..b.len()).step_by(7) {
            let _ = detect(&b[..cut]);
            let _ = parse_content(&b[..cut]);
        }
        for _ in 0..300 {
            let mut m = b.to_vec();
            let mut pick = [0u8; 4];
            r(&mut pick);
            let i = u32::from_le_bytes(pick) as usize % m.len();
            m[i] = pick[0];
            let _ = detect(&m);
            let _ = parse_content(&m);
        }
    }
}

#[test]
fn rfc2047_encoded_filenames_as_outlook_and_gmail_send_them() {
    let msg = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nbody\r\n--b\r\n\
Content-Type: application/pdf; name=\"=?UTF-8?B?w6l0w6kucGRm?=\"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAE=\r\n--b\r\n\
Content-Disposition: attachment;\r\n filename=\"=?iso-8859-1?Q?r=E9sum=E9_final.txt?=\"\r\n\r\nplain\r\n--b--\r\n";
    let c = parse_content(msg).unwrap();
    assert_eq!(c.text, "body");
    assert_eq!(c.attachments[0].filename.as_deref(), Some("été.pdf"));
    assert_eq!(c.attachments[0].data, [0, 1]);
    assert_eq!(c.attachments[1].filename.as_deref(), Some("résumé final.txt"));
    assert_eq!(c.attachments[1].content_type, "text/plain");
    assert_eq!(c.attachments[1].data, b"plain");
}
