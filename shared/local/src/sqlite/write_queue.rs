//! The writer thread's queue: a channel whose sender wakes the writer only when the writer is
//! waiting for what was sent.
//!
//! With a standard channel every job sent to a sleeping writer wakes it, even while it holds a
//! group of patient writes for company and has nothing to do with one more but to add it to the
//! group: at ten checks a second that was a wake-up of the writer and a `futex` call of the
//! sender per check, for nothing. Here the writer says what it waits for (anything, or only an
//! urgent job: one someone waits on, or enough jobs to fill a group), and a sender wakes it only
//! for that; the rest wait in the queue until the writer takes them.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

/// Why nothing was received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ended {
    /// The deadline passed with the queue empty.
    Timeout,
    /// Every sender is gone and the queue is empty.
    Disconnected,
}

/// What the receiver is asleep for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Listening {
    Nothing,
    /// Any item.
    Anything,
    /// An urgent item, or the queue holding at least this many items.
    Urgent {
        or_when_queued: usize,
    },
}

struct State<T> {
    /// Each item with whether it is urgent.
    items: VecDeque<(T, bool)>,
    urgent_queued: usize,
    senders: usize,
    receiver_alive: bool,
    listening: Listening,
}

struct Shared<T> {
    state: Mutex<State<T>>,
    arrived: Condvar,
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // A panic while the lock was held (none of the code below panics) leaves the queue whole:
        // each change to it is a single push or pop.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A new queue's two ends.
pub(crate) fn write_queue<T>() -> (QueueSender<T>, QueueReceiver<T>) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            items: VecDeque::new(),
            urgent_queued: 0,
            senders: 1,
            receiver_alive: true,
            listening: Listening::Nothing,
        }),
        arrived: Condvar::new(),
    });
    (QueueSender { shared: Arc::clone(&shared) }, QueueReceiver { shared })
}

/// The sending end; cheap to clone. The queue is disconnected once every clone is dropped.
pub(crate) struct QueueSender<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Clone for QueueSender<T> {
    fn clone(&self) -> Self {
        self.shared.lock().senders += 1;
        Self { shared: Arc::clone(&self.shared) }
    }
}

impl<T> Drop for QueueSender<T> {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.senders -= 1;
        if state.senders == 0 {
            state.listening = Listening::Nothing;
            drop(state);
            self.shared.arrived.notify_all();
        }
    }
}

impl<T> QueueSender<T> {
    /// Queues `item`, waking the receiver only if it waits for such an item. `Err` gives the
    /// item back when the receiver is gone.
    pub(crate) fn send(&self, item: T, urgent: bool) -> Result<(), T> {
        let mut state = self.shared.lock();
        if !state.receiver_alive {
            return Err(item);
        }
        state.items.push_back((item, urgent));
        state.urgent_queued += usize::from(urgent);
        let wake = match state.listening {
            Listening::Nothing => false,
            Listening::Anything => true,
            Listening::Urgent { or_when_queued } => urgent || state.items.len() >= or_when_queued,
        };
        if wake {
            // Later senders need not wake a receiver that is already woken.
            state.listening = Listening::Nothing;
            drop(state);
            self.shared.arrived.notify_one();
        }
        Ok(())
    }
}

/// The receiving end, for one thread.
pub(crate) struct QueueReceiver<T> {
    shared: Arc<Shared<T>>,
}

impl<T> Drop for QueueReceiver<T> {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.receiver_alive = false;
        state.items.clear();
    }
}

impl<T> QueueReceiver<T> {
    /// The next item, waiting for one until `deadline` (forever if `None`).
    pub(crate) fn recv_until(&self, deadline: Option<Instant>) -> Result<T, Ended> {
        let mut state = self.wait(deadline, Listening::Anything, |state| !state.items.is_empty());
        match pop(&mut state) {
            Some(item) => Ok(item),
            None if state.senders == 0 => Err(Ended::Disconnected),
            None => Err(Ended::Timeout),
        }
    }

    /// Waits until the queue holds an urgent item or `enough` items, every sender is gone, or
    /// `deadline` passes. Items that are neither urgent nor enough do not wake the receiver.
    pub(crate) fn wait_for_urgent(&self, deadline: Instant, enough: usize) {
        let listening = Listening::Urgent { or_when_queued: enough };
        drop(self.wait(Some(deadline), listening, |state| state.urgent_queued > 0 || state.items.len() >= enough));
    }

    /// Moves queued items into `into` until it holds `most`, without waiting.
    pub(crate) fn take_into(&self, into: &mut Vec<T>, most: usize) {
        let mut state = self.shared.lock();
        while into.len() < most {
            match pop(&mut state) {
                Some(item) => into.push(item),
                None => break,
            }
        }
    }

    /// Sleeps, listening for `listening`, until `ready` holds, every sender is gone or
    /// `deadline` passes; returns the locked state.
    fn wait(&self, deadline: Option<Instant>, listening: Listening, ready: impl Fn(&State<T>) -> bool) -> MutexGuard<'_, State<T>> {
        let mut state = self.shared.lock();
        while !ready(&state) && state.senders > 0 {
            state.listening = listening;
            state = match deadline {
                None => self.shared.arrived.wait(state).unwrap_or_else(std::sync::PoisonError::into_inner),
                Some(deadline) => {
                    let Some(left) = deadline.checked_duration_since(Instant::now()).filter(|left| !left.is_zero()) else {
                        break;
                    };
                    self.shared.arrived.wait_timeout(state, left).unwrap_or_else(std::sync::PoisonError::into_inner).0
                }
            };
        }
        state.listening = Listening::Nothing;
        state
    }
}

fn pop<T>(state: &mut State<T>) -> Option<T> {
    let (item, urgent) = state.items.pop_front()?;
    state.urgent_queued -= usize::from(urgent);
    Some(item)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const LONG: Duration = Duration::from_secs(10);

    #[test]
    fn items_come_out_in_order_and_a_dropped_sender_disconnects() {
        let (sender, receiver) = write_queue();
        let second = sender.clone();
        sender.send(1, false).unwrap();
        second.send(2, true).unwrap();
        drop(sender);
        assert_eq!(receiver.recv_until(None), Ok(1));
        let mut taken = Vec::new();
        receiver.take_into(&mut taken, 8);
        assert_eq!(taken, [2]);
        assert_eq!(receiver.recv_until(Some(Instant::now() + Duration::from_millis(5))), Err(Ended::Timeout));
        drop(second);
        assert_eq!(receiver.recv_until(None), Err(Ended::Disconnected));
    }

    #[test]
    fn take_into_stops_at_the_most() {
        let (sender, receiver) = write_queue();
        for i in 0..5 {
            sender.send(i, i == 4).unwrap();
        }
        let mut group = vec![-1];
        receiver.take_into(&mut group, 3);
        assert_eq!(group, [-1, 0, 1]);
        receiver.take_into(&mut group, 10);
        assert_eq!(group, [-1, 0, 1, 2, 3, 4]);
    }

    #[test]
    fn a_sender_finds_the_receiver_gone() {
        let (sender, receiver) = write_queue();
        drop(receiver);
        assert_eq!(sender.send(7, true), Err(7));
    }

    /// How long `wait_for_urgent`, with `deadline` from now, slept while another thread sent
    /// `sends` (item, urgent) 20 ms apart; and what was queued then.
    fn waited_while_sending(sends: Vec<(u32, bool)>, enough: usize, deadline: Duration) -> (Duration, Vec<u32>) {
        let (sender, receiver) = write_queue();
        let sending = std::thread::spawn(move || {
            for (item, urgent) in sends {
                std::thread::sleep(Duration::from_millis(20));
                sender.send(item, urgent).unwrap();
            }
            std::thread::sleep(LONG);
        });
        let started = Instant::now();
        receiver.wait_for_urgent(started + deadline, enough);
        let waited = started.elapsed();
        let mut taken = Vec::new();
        receiver.take_into(&mut taken, 100);
        drop(sending);
        (waited, taken)
    }

    #[test]
    fn only_an_urgent_item_or_enough_items_end_a_wait_for_urgent_ones() {
        // The third item, urgent, comes after 60 ms: the two before it did not end the wait.
        let (waited, taken) = waited_while_sending(vec![(1, false), (2, false), (3, true), (4, false)], 100, LONG);
        assert!(waited >= Duration::from_millis(55) && waited < LONG / 2, "{waited:?}");
        assert_eq!(taken[..3], [1, 2, 3], "the patient items wait in the queue, in order");

        let (waited, taken) = waited_while_sending(vec![(1, false), (2, false), (3, false)], 2, LONG);
        assert!(waited >= Duration::from_millis(35) && waited < LONG / 2, "{waited:?}");
        assert!(taken.starts_with(&[1, 2]));

        let (waited, taken) = waited_while_sending(vec![(1, false)], 100, Duration::from_millis(300));
        assert!(waited >= Duration::from_millis(300), "only the deadline ended it: {waited:?}");
        assert_eq!(taken, [1]);
    }

    #[test]
    fn the_last_sender_dropped_ends_every_wait() {
        let (sender, receiver) = write_queue::<u32>();
        let dropping = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            drop(sender);
        });
        let started = Instant::now();
        receiver.wait_for_urgent(started + LONG, 10);
        assert!(started.elapsed() < LONG);
        assert_eq!(receiver.recv_until(None), Err(Ended::Disconnected));
        dropping.join().unwrap();
    }
}
