//! The trussed backends opcard needs, wired into one dispatcher for the
//! software (virt) platform: PINs (auth backend), chunked I/O and key
//! wrapping (staging backend) and RSA (software RSA backend).

use trussed::{
    backend::{Backend as _, BackendId},
    serde_extensions::{ExtensionDispatch, ExtensionId, ExtensionImpl},
    service::ServiceResources,
    types::Context,
    Platform,
};
use trussed_auth::AuthExtension;
use trussed_auth_backend::{AuthBackend, AuthContext, FilesystemLayout};
use trussed_chunked::ChunkedExtension;
use trussed_core::{
    api::{reply, request, Reply, Request},
    types::Location,
    Error,
};
use trussed_rsa_alloc::SoftwareRsa;
use trussed_staging::{StagingBackend, StagingContext};
use trussed_wrap_key_to_file::WrapKeyToFileExtension;

/// The custom backends, in the order a request tries them before the core.
pub const BACKENDS: &[BackendId<Backends>] = &[
    BackendId::Custom(Backends::Auth),
    BackendId::Custom(Backends::Staging),
    BackendId::Custom(Backends::Rsa),
    BackendId::Core,
];

#[derive(Debug)]
pub enum Backends {
    Auth,
    Staging,
    Rsa,
}

#[derive(Debug)]
pub enum Extensions {
    Auth,
    Chunked,
    WrapKeyToFile,
}

impl From<Extensions> for u8 {
    fn from(id: Extensions) -> u8 {
        match id {
            Extensions::Auth => 0,
            Extensions::Chunked => 1,
            Extensions::WrapKeyToFile => 2,
        }
    }
}

impl TryFrom<u8> for Extensions {
    type Error = Error;
    fn try_from(id: u8) -> Result<Self, Error> {
        match id {
            0 => Ok(Self::Auth),
            1 => Ok(Self::Chunked),
            2 => Ok(Self::WrapKeyToFile),
            _ => Err(Error::FunctionNotSupported),
        }
    }
}

/// Per-client state of the backends that keep any.
#[derive(Default)]
pub struct BackendContext {
    auth: AuthContext,
    staging: StagingContext,
}

pub struct Dispatcher {
    auth: AuthBackend,
    staging: StagingBackend,
}

impl Default for Dispatcher {
    fn default() -> Self {
        Self {
            auth: AuthBackend::new(Location::Internal, FilesystemLayout::V0),
            staging: StagingBackend::new(),
        }
    }
}

impl ExtensionDispatch for Dispatcher {
    type BackendId = Backends;
    type Context = BackendContext;
    type ExtensionId = Extensions;

    fn core_request<P: Platform>(
        &mut self,
        backend: &Backends,
        ctx: &mut Context<BackendContext>,
        request: &Request,
        resources: &mut ServiceResources<P>,
    ) -> Result<Reply, Error> {
        match backend {
            Backends::Auth => self
                .auth
                .request(&mut ctx.core, &mut ctx.backends.auth, request, resources),
            Backends::Staging => {
                self.staging
                    .request(&mut ctx.core, &mut ctx.backends.staging, request, resources)
            }
            Backends::Rsa => SoftwareRsa.request(&mut ctx.core, &mut (), request, resources),
        }
    }

    fn extension_request<P: Platform>(
        &mut self,
        backend: &Backends,
        extension: &Extensions,
        ctx: &mut Context<BackendContext>,
        request: &request::SerdeExtension,
        resources: &mut ServiceResources<P>,
    ) -> Result<reply::SerdeExtension, Error> {
        let core = &mut ctx.core;
        match (backend, extension) {
            (Backends::Auth, Extensions::Auth) => {
                ExtensionImpl::<AuthExtension>::extension_request_serialized(
                    &mut self.auth,
                    core,
                    &mut ctx.backends.auth,
                    request,
                    resources,
                )
            }
            (Backends::Staging, Extensions::Chunked) => {
                ExtensionImpl::<ChunkedExtension>::extension_request_serialized(
                    &mut self.staging,
                    core,
                    &mut ctx.backends.staging,
                    request,
                    resources,
                )
            }
            (Backends::Staging, Extensions::WrapKeyToFile) => {
                ExtensionImpl::<WrapKeyToFileExtension>::extension_request_serialized(
                    &mut self.staging,
                    core,
                    &mut ctx.backends.staging,
                    request,
                    resources,
                )
            }
            _ => Err(Error::RequestNotAvailable),
        }
    }
}

impl ExtensionId<AuthExtension> for Dispatcher {
    type Id = Extensions;
    const ID: Extensions = Extensions::Auth;
}

impl ExtensionId<ChunkedExtension> for Dispatcher {
    type Id = Extensions;
    const ID: Extensions = Extensions::Chunked;
}

impl ExtensionId<WrapKeyToFileExtension> for Dispatcher {
    type Id = Extensions;
    const ID: Extensions = Extensions::WrapKeyToFile;
}
