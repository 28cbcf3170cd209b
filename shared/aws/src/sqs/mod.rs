//! SQS: probe jobs (the message format and the queue adapter), the notifier's queue of
//! deliveries (sent through [`SqsMessages`]), and the per-message loop of the functions that SQS
//! triggers.

mod delivery_queue;
mod job_message;
mod job_queue;
mod messages;
mod send_message;

pub use delivery_queue::{DeliveryMessage, DeliveryQueue, QueuedDeliveryLog};
pub use job_message::{JobMessageError, decode_job, encode_job};
pub use job_queue::SqsJobQueue;
pub use messages::{Order, Processed, QueueKind, each_message};
pub use send_message::{BatchEntry, BatchFailure, SqsMessages};
