//! The agents function: API Gateway's WebSocket API calls it for each route of an agent's
//! connection. `$connect` is let through (an agent proves who it is in its first message, as on
//! `vigil serve`); `$default` carries one message, which runs through the session use case with
//! the connection's session read from the table, and whose answers are written back through
//! the API; `$disconnect` records why the connection ended. Samples, enrolment, credentials,
//! rules and action answers are the same code as self-hosted.

use aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest};
use vigil_app::hosts::{AgentSession, on_agent_gone, on_agent_message};
use vigil_app::{Deps, SystemClock};
use vigil_aws::AgentGateway;
use vigil_domain::access::Origin;
use vigil_domain::agent::protocol::{AgentMessage, DisconnectReason, Goodbye, Message, ServerMessage};

/// What the handler needs.
pub struct Agents {
    /// The use cases' dependencies.
    pub deps: Deps,
    /// The agents' connections.
    pub gateway: AgentGateway,
}

/// What became of one invocation, as API Gateway reads it.
fn status(code: i64) -> ApiGatewayProxyResponse {
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = code;
    response
}

impl Agents {
    /// Handles one route of one connection. A failure of storage fails the invocation: on
    /// `$default`, API Gateway reports it to the agent, which reconnects and sends again what
    /// was not acknowledged.
    pub async fn handle(&self, request: ApiGatewayWebsocketProxyRequest) -> Result<ApiGatewayProxyResponse, lambda_runtime::Error> {
        let context = &request.request_context;
        let Some(connection) = context.connection_id.clone() else { return Ok(status(400)) };
        let origin = Origin { ip: context.identity.source_ip.clone(), user_agent: context.identity.user_agent.clone() };
        let now = SystemClock::now();
        match context.route_key.as_deref().unwrap_or("$default") {
            "$connect" => Ok(status(200)),
            "$disconnect" => {
                let session = self.gateway.session(&connection, &origin).await?;
                on_agent_gone(&self.deps, &session, DisconnectReason::ConnectionLost, None, now).await;
                self.gateway.forget(&connection, session.agent()).await?;
                Ok(status(200))
            }
            _ => {
                let text = request.body.unwrap_or_default();
                let mut session = self.gateway.session(&connection, &origin).await?;
                let message = match AgentMessage::decode(&text) {
                    Ok(message) => message,
                    Err(error) => {
                        let goodbye = Goodbye { reason: DisconnectReason::ProtocolError, detail: Some(error.to_string()) };
                        self.gateway.post(&connection, &ServerMessage::Goodbye(goodbye)).await?;
                        on_agent_gone(&self.deps, &session, DisconnectReason::ProtocolError, Some(error.to_string()), now).await;
                        self.gateway.forget(&connection, session.agent()).await?;
                        self.gateway.hang_up(&connection).await?;
                        return Ok(status(200));
                    }
                };
                let answer = on_agent_message(&self.deps, &mut session, message, &origin, now).await;
                if answer.opened.is_some() {
                    self.gateway.opened(&connection, &session, now).await?;
                }
                for message in &answer.send {
                    self.gateway.post(&connection, message).await?;
                }
                if answer.close || matches!(session, AgentSession::Closed) {
                    // A goodbye the server sent: recorded here, as `vigil serve` does; one the
                    // agent sent is recorded already, and its `$disconnect` finds nothing left.
                    if let Some(ServerMessage::Goodbye(goodbye)) = answer.send.last() {
                        on_agent_gone(&self.deps, &session, goodbye.reason, goodbye.detail.clone(), now).await;
                    }
                    self.gateway.forget(&connection, session.agent()).await?;
                    if answer.close {
                        self.gateway.hang_up(&connection).await?;
                    }
                }
                Ok(status(200))
            }
        }
    }
}
