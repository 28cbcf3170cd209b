//! Probe jobs on SQS: the message format and the queue adapter.

mod job_message;
mod job_queue;

pub use job_message::{JobMessageError, decode_job, encode_job};
pub use job_queue::SqsJobQueue;
