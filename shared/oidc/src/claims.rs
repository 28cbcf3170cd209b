//! The one claim Vigil reads beyond the standard ones: `groups`, and the client types that carry
//! it through ID tokens and userinfo answers.

use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm, CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, Client, EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields, StandardErrorResponse,
    StandardTokenResponse,
};
use serde::{Deserialize, Deserializer, Serialize};

/// The `groups` claim. Providers spell it as a list of names (Keycloak, Okta, oidc-provider),
/// of ids (Entra ID) or, with one group, sometimes as a single string; absent is `None`, so that
/// the userinfo endpoint can be asked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupsClaim {
    /// The groups, if the claim is present.
    #[serde(default, deserialize_with = "one_or_many", skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<String>>,
}

impl AdditionalClaims for GroupsClaim {}

fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<String>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Groups {
        Many(Vec<String>),
        One(String),
    }
    Ok(Option::<Groups>::deserialize(deserializer)?.map(|groups| match groups {
        Groups::Many(many) => many,
        Groups::One(one) => vec![one],
    }))
}

/// The token endpoint's answer, its ID token carrying [`GroupsClaim`].
pub(crate) type TokenResponse = StandardTokenResponse<
    IdTokenFields<GroupsClaim, EmptyExtraTokenFields, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>,
    CoreTokenType,
>;

/// A client made from the provider's discovery document: an authorization endpoint for sure,
/// a token and a userinfo endpoint if the document names them.
pub(crate) type DiscoveredClient = Client<
    GroupsClaim,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    TokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_in_every_spelling() {
        let cases = [
            (r#"{"groups": ["sre", "ops"]}"#, Some(vec!["sre", "ops"])),
            (r#"{"groups": "sre"}"#, Some(vec!["sre"])),
            (r#"{"groups": []}"#, Some(vec![])),
            (r#"{"groups": null}"#, None),
            (r#"{}"#, None),
        ];
        for (json, expected) in cases {
            let claim: GroupsClaim = serde_json::from_str(json).unwrap();
            assert_eq!(claim.groups, expected.map(|g| g.into_iter().map(String::from).collect()), "{json}");
        }
    }
}
