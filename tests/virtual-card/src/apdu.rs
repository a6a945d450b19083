//! ISO 7816-4 transport work a card reader leaves to the card: command
//! chaining (CLA bit 0x10) and response splitting with `61xx` + GET RESPONSE.
//! The card application only ever sees complete commands and writes complete
//! replies.

use iso7816::command::CommandView;

/// Largest command (after chaining) and reply the card accepts.
pub const MAX_APDU: usize = 7 * 1024;

const CLA_CHAIN: u8 = 0x10;
const INS_GET_RESPONSE: u8 = 0xC0;

const SW_OK: [u8; 2] = [0x90, 0x00];
const SW_WRONG_LENGTH: [u8; 2] = [0x67, 0x00];
const SW_CLA_NOT_SUPPORTED: [u8; 2] = [0x6E, 0x00];
const SW_CHAINING_NOT_SUPPORTED: [u8; 2] = [0x68, 0x84];
const SW_CONDITIONS_NOT_SATISFIED: [u8; 2] = [0x69, 0x85];

/// The application behind the transport: gets a complete command, appends
/// its reply data to `reply` and returns the status word.
pub trait Application {
    fn handle(&mut self, command: CommandView<'_>, reply: &mut Vec<u8>) -> [u8; 2];
    /// Power cycle or reset: forget volatile state (verified PINs…).
    fn reset(&mut self);
}

/// Transport state between two APDUs of one card session.
#[derive(Debug, Default)]
pub struct Transport {
    /// Data of the chained commands received so far, with their header.
    chain: Option<(u8, u8, u8, u8, Vec<u8>)>,
    /// Reply bytes not yet fetched with GET RESPONSE.
    pending: Vec<u8>,
}

impl Transport {
    /// Forgets any half-received chain or unfetched reply.
    pub fn reset(&mut self) {
        self.chain = None;
        self.pending.clear();
    }

    /// Processes one raw command APDU and returns the raw response APDU
    /// (data followed by the status word).
    pub fn exchange(&mut self, app: &mut impl Application, raw: &[u8]) -> Vec<u8> {
        // Interindustry classes only: proprietary ones (0x80+) have no chain bit.
        if raw.first().is_some_and(|cla| cla & 0x80 != 0) {
            self.reset();
            return SW_CLA_NOT_SUPPORTED.to_vec();
        }
        let Ok(view) = CommandView::try_from(raw) else {
            self.reset();
            return SW_WRONG_LENGTH.to_vec();
        };
        let cla = view.class().into_inner();
        let ins = view.instruction().into();

        if ins == INS_GET_RESPONSE && self.chain.is_none() && !self.pending.is_empty() {
            return self.next_chunk(view.expected());
        }
        self.pending.clear();

        let header = (cla & !CLA_CHAIN, ins, view.p1, view.p2);
        if cla & CLA_CHAIN != 0 {
            return self.add_to_chain(header, view.data());
        }
        match self.chain.take() {
            None => self.run(app, raw, view.expected()),
            Some((c, i, p1, p2, mut data)) => {
                if (c, i, p1, p2) != header {
                    return SW_CONDITIONS_NOT_SATISFIED.to_vec();
                }
                data.extend_from_slice(view.data());
                if data.len() > MAX_APDU {
                    return SW_WRONG_LENGTH.to_vec();
                }
                let whole = extended_apdu(header, &data, view.expected());
                self.run(app, &whole, view.expected())
            }
        }
    }

    fn add_to_chain(&mut self, header: (u8, u8, u8, u8), data: &[u8]) -> Vec<u8> {
        let (c, i, p1, p2) = header;
        let chain = self.chain.get_or_insert_with(|| (c, i, p1, p2, Vec::new()));
        if (chain.0, chain.1, chain.2, chain.3) != header {
            self.chain = None;
            return SW_CHAINING_NOT_SUPPORTED.to_vec();
        }
        chain.4.extend_from_slice(data);
        if chain.4.len() > MAX_APDU {
            self.chain = None;
            return SW_WRONG_LENGTH.to_vec();
        }
        SW_OK.to_vec()
    }

    fn run(&mut self, app: &mut impl Application, raw: &[u8], expected: usize) -> Vec<u8> {
        let Ok(view) = CommandView::try_from(raw) else {
            return SW_WRONG_LENGTH.to_vec();
        };
        let mut reply = Vec::new();
        let status = app.handle(view, &mut reply);
        if status != SW_OK {
            // Errors carry no data (ISO 7816-4 warnings aside, which opcard does not use).
            return status.to_vec();
        }
        self.pending = reply;
        self.next_chunk(expected)
    }

    /// Returns up to `expected` pending bytes, with `61xx` if more remain.
    fn next_chunk(&mut self, expected: usize) -> Vec<u8> {
        let limit = if expected == 0 { 256 } else { expected };
        let take = self.pending.len().min(limit);
        let mut out: Vec<u8> = self.pending.drain(..take).collect();
        match self.pending.len() {
            0 => out.extend_from_slice(&SW_OK),
            // 61 00 means "256 or more bytes remain".
            rest => out.extend_from_slice(&[0x61, u8::try_from(rest).unwrap_or(0)]),
        }
        out
    }
}

/// Re-encodes a reassembled chain as one extended-length APDU.
fn extended_apdu(header: (u8, u8, u8, u8), data: &[u8], expected: usize) -> Vec<u8> {
    let (cla, ins, p1, p2) = header;
    let mut apdu = vec![cla, ins, p1, p2];
    let le = u16::try_from(expected).unwrap_or(0); // 65536 is encoded as 0000
    if data.is_empty() {
        apdu.push(0);
        apdu.extend_from_slice(&le.to_be_bytes());
        return apdu;
    }
    // data.len() <= MAX_APDU < 65536, checked by the callers.
    let lc = u16::try_from(data.len()).unwrap_or(u16::MAX);
    apdu.push(0);
    apdu.extend_from_slice(&lc.to_be_bytes());
    apdu.extend_from_slice(data);
    if expected != 0 {
        apdu.extend_from_slice(&le.to_be_bytes());
    }
    apdu
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Echoes the command data `repeat` times, remembers what it saw.
    #[derive(Default)]
    struct Echo {
        repeat: usize,
        seen: Vec<(u8, Vec<u8>)>,
    }

    impl Application for Echo {
        fn handle(&mut self, command: CommandView<'_>, reply: &mut Vec<u8>) -> [u8; 2] {
            self.seen
                .push((command.instruction().into(), command.data().to_vec()));
            for _ in 0..self.repeat.max(1) {
                reply.extend_from_slice(command.data());
            }
            SW_OK
        }
        fn reset(&mut self) {}
    }

    #[test]
    fn plain_command_gets_data_and_9000() {
        let mut t = Transport::default();
        let mut app = Echo::default();
        let out = t.exchange(&mut app, &[0x00, 0x2A, 0x9E, 0x9A, 2, 0xAB, 0xCD, 0x00]);
        assert_eq!(out, vec![0xAB, 0xCD, 0x90, 0x00]);
    }

    #[test]
    fn chained_commands_reach_the_app_as_one() {
        let mut t = Transport::default();
        let mut app = Echo::default();
        assert_eq!(t.exchange(&mut app, &[0x10, 0xDB, 0x3F, 0xFF, 2, 1, 2]), SW_OK);
        assert_eq!(t.exchange(&mut app, &[0x10, 0xDB, 0x3F, 0xFF, 1, 3]), SW_OK);
        assert!(app.seen.is_empty());
        let out = t.exchange(&mut app, &[0x00, 0xDB, 0x3F, 0xFF, 1, 4]);
        assert_eq!(app.seen, vec![(0xDB, vec![1, 2, 3, 4])]);
        assert_eq!(&out[out.len() - 2..], &SW_OK);
    }

    #[test]
    fn chain_with_changed_header_is_refused() {
        let mut t = Transport::default();
        let mut app = Echo::default();
        t.exchange(&mut app, &[0x10, 0xDB, 0x3F, 0xFF, 1, 1]);
        let out = t.exchange(&mut app, &[0x10, 0xDA, 0x3F, 0xFF, 1, 2]);
        assert_eq!(out, SW_CHAINING_NOT_SUPPORTED);
        assert!(app.seen.is_empty());
    }

    #[test]
    fn long_reply_is_fetched_with_get_response() {
        let mut t = Transport::default();
        let mut app = Echo {
            repeat: 3,
            ..Echo::default()
        };
        let data = [7u8; 200];
        let mut cmd = vec![0x00, 0xCA, 0x00, 0x6E, 200];
        cmd.extend_from_slice(&data);
        cmd.push(0x00); // Le = 256
        let first = t.exchange(&mut app, &cmd);
        assert_eq!(first.len(), 258);
        assert_eq!(&first[256..], &[0x61, 0x00]); // 344 bytes remain
        let second = t.exchange(&mut app, &[0x00, 0xC0, 0x00, 0x00, 0x00]);
        assert_eq!(&second[256..], &[0x61, 88]);
        let third = t.exchange(&mut app, &[0x00, 0xC0, 0x00, 0x00, 88]);
        assert_eq!(third.len(), 90);
        assert_eq!(&third[88..], &SW_OK);
        assert_eq!(app.seen.len(), 1, "GET RESPONSE must not reach the app");
    }

    #[test]
    fn extended_le_gets_everything_at_once() {
        let mut t = Transport::default();
        let mut app = Echo {
            repeat: 3,
            ..Echo::default()
        };
        let mut cmd = vec![0x00, 0xCA, 0x00, 0x6E, 0x00, 0x00, 200];
        cmd.extend_from_slice(&[1u8; 200]);
        cmd.extend_from_slice(&[0x00, 0x00]);
        let out = t.exchange(&mut app, &cmd);
        assert_eq!(out.len(), 602);
        assert_eq!(&out[600..], &SW_OK);
    }

    #[test]
    fn garbage_is_answered_not_crashed_on() {
        let mut t = Transport::default();
        let mut app = Echo::default();
        assert_eq!(t.exchange(&mut app, &[0x00]), SW_WRONG_LENGTH);
        assert_eq!(t.exchange(&mut app, &[0x00, 0xCA, 0, 0, 5, 1]), SW_WRONG_LENGTH);
        assert_eq!(t.exchange(&mut app, &[0xFF, 0xCA, 0, 0]), SW_CLA_NOT_SUPPORTED);
    }
}
