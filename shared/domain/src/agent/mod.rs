//! Host agents: what `vigil-agent` measures, the messages it exchanges with the server, the
//! signed action requests it may accept, and the pure rules the server judges its samples by
//! (threshold rules and rollups).

pub mod action;
pub mod credential;
pub mod metric;
pub mod protocol;
pub mod rollup;
pub mod rule;
pub mod sample;

#[cfg(test)]
pub(crate) mod tests;

pub use action::{ActionName, ActionRefusal, ActionRequest, ActionResult, Refusal, SeenNonces, SignedActionRequest};
pub use credential::{ActionKey, AgentSecret, EnrolmentToken};
pub use metric::{MetricKey, MetricName};
pub use protocol::{AgentMessage, Message, ProtocolError, ServerMessage};
pub use sample::HostSample;
