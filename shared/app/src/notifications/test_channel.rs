use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::ChannelId;
use vigil_domain::notify::{AttemptResult, Notification, render};
use vigil_domain::ports::StoreError;

/// Send a test message to a channel now.
#[derive(Clone, Debug)]
pub struct TestChannel {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// Channel.
    pub channel_id: ChannelId,
}

/// Why no test message was sent.
#[derive(Debug, thiserror::Error)]
pub enum TestChannelError {
    /// The actor's role or key does not allow it.
    #[error(transparent)]
    Forbidden(#[from] vigil_domain::access::Forbidden),
    /// No such channel for this tenant.
    #[error("channel not found")]
    NotFound,
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Sends a test message once, without retries, and reports how the channel answered.
#[tracing::instrument(name = "test_channel", skip_all, fields(tenant = %cmd.actor.tenant_id, channel = %cmd.channel_id))]
pub async fn test_channel(deps: &Deps, cmd: TestChannel, now: Timestamp) -> Result<AttemptResult, TestChannelError> {
    cmd.actor.require(Action::EditAlerting)?;
    let channel = deps.stores.channels.get(cmd.actor.tenant_id, cmd.channel_id).await?.ok_or(TestChannelError::NotFound)?;
    let settings = &deps.settings.notifications;
    let notification = Notification::test(&channel.name, now, &deps.settings.public_url);
    let message_id = format!("test-{}", deps.random.new_id(now));
    let message = render(&channel.config, &notification, &message_id, now, &settings.render);
    let (result, _) = deps.notifier.send(&message, settings.send_timeout).await;
    Ok(result)
}
