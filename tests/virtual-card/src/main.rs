//! `tessera-vcard`: a test-only virtual OpenPGP card for vpcd/pcscd.
//! See README.md; never ship this binary (it links LGPL-3.0 opcard).

mod apdu;
mod args;
mod card;
mod dispatch;
mod error;
mod pull;
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
    pull::install().map_err(error::Error::Signal)?;
    let mut link = Link::connect(args.port)?;
    eprintln!(
        "tessera-vcard: card FFFE:{} inserted in vpcd port {}",
        hex(&args.serial),
        args.port
    );
    card::with_card(args.serial, |card| loop {
        match serve(&mut link, card, args.pull_ins)? {
            Ended::Closed => return Ok(()),
            Ended::Pulled(ins) => {
                // Logged first: once the link closes the host can answer, and
                // a test reading this log must find the pull already there.
                eprintln!(
                    "tessera-vcard: card pulled on INS {ins:02X}, out for {} ms",
                    args.pulled.as_millis()
                );
                // Closing the socket is what pcscd sees as the card leaving
                // the reader; the reply to the APDU it is waiting for never comes.
                drop(link);
                std::thread::sleep(args.pulled);
                link = Link::connect(args.port)?;
                eprintln!("tessera-vcard: card inserted again");
            }
        }
    })
}

/// Why [`serve`] stopped answering.
enum Ended {
    /// vpcd closed the link (pcscd stopped): the card process ends.
    Closed,
    /// An armed pull happened on this instruction: the card is out of the reader.
    Pulled(u8),
}

/// Answers vpcd until it closes the link or an armed pull happens.
fn serve(link: &mut Link, card: &mut OpenPgpCard<'_>, pull_ins: u8) -> Result<Ended> {
    let mut transport = Transport::default();
    while let Some(request) = link.receive()? {
        match request {
            Request::PowerOff | Request::PowerOn | Request::Reset => {
                transport.reset();
                card.reset();
            }
            Request::GetAtr => link.send(&card::atr())?,
            Request::Apdu(apdu) => {
                if let Some(ins) = pull::take(&apdu, pull_ins) {
                    // Power is lost with the contacts: what the card had
                    // verified goes, what it stored (keys, retry counters) stays.
                    card.reset();
                    return Ok(Ended::Pulled(ins));
                }
                let response = transport.exchange(card, &apdu);
                link.send(&response)?;
            }
        }
    }
    Ok(Ended::Closed)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}
