//! `tessera-vcard`: a test-only virtual OpenPGP card for vpcd/pcscd.
//! See README.md; never ship this binary (it links LGPL-3.0 opcard).

mod apdu;
mod args;
mod card;
mod dispatch;
mod error;
mod vpcd;

use std::process::ExitCode;

use apdu::{Application, Transport};
use args::{Args, Parsed};
use card::OpenPgpCard;
use error::Result;
use vpcd::{Link, Request};

fn main() -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(Parsed::Run(args)) => args,
        Ok(Parsed::Help) => {
            println!("{}", args::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("tessera-vcard: {e}\n\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tessera-vcard: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<()> {
    let mut link = Link::connect(args.port)?;
    eprintln!(
        "tessera-vcard: card FFFE:{} inserted in vpcd port {}",
        hex(&args.serial),
        args.port
    );
    card::with_card(args.serial, |card| serve(&mut link, card))
}

/// Answers vpcd until it closes the link (pcscd stopped).
fn serve(link: &mut Link, card: &mut OpenPgpCard<'_>) -> Result<()> {
    let mut transport = Transport::default();
    while let Some(request) = link.receive()? {
        match request {
            Request::PowerOff | Request::PowerOn | Request::Reset => {
                transport.reset();
                card.reset();
            }
            Request::GetAtr => link.send(&card::atr())?,
            Request::Apdu(apdu) => {
                let response = transport.exchange(card, &apdu);
                link.send(&response)?;
            }
        }
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}
