//! SQS: probe jobs (the message format and the queue adapter) and the notifier's queue of
//! deliveries.

mod delivery_queue;
mod job_message;
mod job_queue;

pub use delivery_queue::{DeliveryMessage, DeliveryQueue, QueuedDeliveryLog};
pub use job_message::{JobMessageError, decode_job, encode_job};
pub use job_queue::SqsJobQueue;
