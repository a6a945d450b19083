//! vpcd's wire protocol (vsmartcard): the card is a TCP *client* of the
//! reader driver. Every message in both directions is a 2-byte big-endian
//! length followed by that many bytes. A 1-byte message from vpcd is a
//! control code; anything longer is a command APDU, answered with the
//! response APDU.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::os::fd::AsRawFd;
use std::thread;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// What vpcd asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    PowerOff,
    PowerOn,
    Reset,
    GetAtr,
    Apdu(Vec<u8>),
}

/// How long to keep retrying while vpcd (pcscd) is not listening yet.
const CONNECT_WINDOW: Duration = Duration::from_secs(10);

pub struct Link {
    stream: TcpStream,
}

impl Link {
    /// Connects to vpcd on 127.0.0.1:`port`, retrying while nothing listens.
    pub fn connect(port: u16) -> Result<Self> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let started = Instant::now();
        let stream = loop {
            match TcpStream::connect(addr) {
                Ok(stream) => break stream,
                Err(e)
                    if e.kind() == io::ErrorKind::ConnectionRefused && started.elapsed() < CONNECT_WINDOW =>
                {
                    thread::sleep(Duration::from_millis(50));
                }
                Err(source) => return Err(Error::Connect { port, source }),
            }
        };
        // vpcd writes length and payload separately; our replies go out in one
        // write, and nodelay keeps them from waiting for vpcd's delayed ACK.
        stream.set_nodelay(true)?;
        Ok(Self { stream })
    }

    /// Waits for vpcd's next request; `None` when vpcd closed the link.
    pub fn receive(&mut self) -> Result<Option<Request>> {
        let mut len = [0u8; 2];
        quick_ack(&self.stream);
        match self.stream.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e.into()),
        }
        let len = usize::from(u16::from_be_bytes(len));
        let mut body = vec![0u8; len];
        quick_ack(&self.stream);
        self.stream.read_exact(&mut body)?;
        decode(body).map(Some)
    }

    /// Sends one length-prefixed message (ATR or response APDU).
    pub fn send(&mut self, payload: &[u8]) -> Result<()> {
        let len = u16::try_from(payload.len()).map_err(|_| {
            Error::Protocol(format!(
                "reply of {} bytes does not fit vpcd's frame",
                payload.len()
            ))
        })?;
        let mut frame = Vec::with_capacity(payload.len() + 2);
        frame.extend_from_slice(&len.to_be_bytes());
        frame.extend_from_slice(payload);
        self.stream.write_all(&frame)?;
        Ok(())
    }
}

fn decode(body: Vec<u8>) -> Result<Request> {
    match body.as_slice() {
        [0x00] => Ok(Request::PowerOff),
        [0x01] => Ok(Request::PowerOn),
        [0x02] => Ok(Request::Reset),
        [0x04] => Ok(Request::GetAtr),
        [code] => Err(Error::Protocol(format!("unknown control code {code:#04x}"))),
        [] => Err(Error::Protocol("empty message".into())),
        _ => Ok(Request::Apdu(body)),
    }
}

/// vpcd sends length and payload in two writes without TCP_NODELAY: with
/// Linux's delayed ACK every APDU would stall ~40 ms (Nagle on vpcd's side).
/// Quick-ACK mode is not sticky, so it is re-armed before every read.
fn quick_ack(stream: &TcpStream) {
    let on: libc::c_int = 1;
    // SAFETY: valid socket fd owned by `stream`, pointer/length describe `on`.
    // Failure only costs latency, so the result is ignored.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_QUICKACK,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_codes_and_apdus() {
        assert_eq!(decode(vec![0]).ok(), Some(Request::PowerOff));
        assert_eq!(decode(vec![1]).ok(), Some(Request::PowerOn));
        assert_eq!(decode(vec![2]).ok(), Some(Request::Reset));
        assert_eq!(decode(vec![4]).ok(), Some(Request::GetAtr));
        assert!(decode(vec![9]).is_err());
        assert!(decode(vec![]).is_err());
        assert_eq!(
            decode(vec![0, 0xA4, 4, 0]).ok(),
            Some(Request::Apdu(vec![0, 0xA4, 4, 0]))
        );
    }
}
