//! The OpenPGP application: opcard on a trussed software platform whose
//! storage lives in RAM, so every process starts as a fresh card.

use iso7816::command::CommandView;
use opcard::Options;
use trussed::virt::{self, StoreConfig};

use crate::apdu::{Application, MAX_APDU};
use crate::dispatch::{Dispatcher, BACKENDS};

/// Manufacturer ID reserved for test cards (OpenPGP card spec, § 4.2.1).
pub const TEST_MANUFACTURER: [u8; 2] = [0xFF, 0xFE];

/// Historical bytes of opcard's default options (card capabilities: command
/// chaining, extended lengths).
const HISTORICAL_BYTES: [u8; 10] = [0x00, 0x31, 0xF5, 0x73, 0xC0, 0x01, 0x60, 0x00, 0x90, 0x00];

/// A T=1 ATR carrying the historical bytes: TS, T0 (TD1 present, K=10),
/// TD1 (TD2 present, T=0), TD2 (T=1), historical bytes, TCK.
pub fn atr() -> Vec<u8> {
    let mut atr = vec![0x3B, 0x80 | HISTORICAL_BYTES.len() as u8, 0x80, 0x01];
    atr.extend_from_slice(&HISTORICAL_BYTES);
    let tck = atr[1..].iter().fold(0u8, |acc, b| acc ^ b);
    atr.push(tck);
    atr
}

type Client<'a> = virt::Client<'a, Dispatcher>;

/// opcard behind the [`Application`] interface of the transport.
pub struct OpenPgpCard<'a> {
    card: opcard::Card<Client<'a>>,
}

impl Application for OpenPgpCard<'_> {
    fn handle(&mut self, command: CommandView<'_>, reply: &mut Vec<u8>) -> [u8; 2] {
        let mut buf = heapless::Vec::<u8, MAX_APDU>::new();
        let status = match self.card.handle(command, buf.as_mut_view()) {
            Ok(()) => iso7816::Status::Success,
            Err(status) => status,
        };
        reply.extend_from_slice(&buf);
        status.into()
    }

    fn reset(&mut self) {
        self.card.reset();
    }
}

/// Runs `f` with a fresh card whose AID carries `serial`.
pub fn with_card<R>(serial: [u8; 4], f: impl FnOnce(&mut OpenPgpCard<'_>) -> R) -> R {
    virt::with_platform(StoreConfig::ram(), |platform| {
        platform.run_client_with_backends("opcard", Dispatcher::default(), BACKENDS, |client| {
            let mut options = Options::default();
            options.manufacturer = TEST_MANUFACTURER;
            options.serial = serial;
            options.button_available = false;
            let mut card = OpenPgpCard {
                card: opcard::Card::new(client, options),
            };
            f(&mut card)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atr_checksum_makes_the_xor_zero() {
        let atr = atr();
        assert_eq!(atr[0], 0x3B);
        assert_eq!(atr[1..].iter().fold(0u8, |acc, b| acc ^ b), 0);
        assert_eq!(atr.len(), 4 + HISTORICAL_BYTES.len() + 1);
    }
}
