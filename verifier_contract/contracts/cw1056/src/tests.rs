//! Unit tests of the registry against cosmwasm-std's mock environment (real secp256k1 verification).
use cosmwasm_std::testing::{mock_dependencies, mock_env, mock_info, MockApi, MockQuerier, MockStorage};
use cosmwasm_std::{from_json, Binary, Env, OwnedDeps, Response};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha256};

use crate::address::pubkey_address;
use crate::contract::{execute, instantiate, query};
use crate::msg::*;
use crate::ContractError;

type Deps = OwnedDeps<MockStorage, MockApi, MockQuerier>;

pub struct Key {
    sk: SigningKey,
    pub hex: String,
    pub addr: String,
}

pub fn key(label: &str) -> Key {
    let seed = Sha256::digest(format!("zkvct test {label}").as_bytes());
    let sk = SigningKey::from_slice(&seed).unwrap();
    let pk = sk.verifying_key().to_encoded_point(true);
    let hex: String = pk.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
    let addr = pubkey_address("shareledger", pk.as_bytes());
    Key { sk, hex, addr }
}

impl Key {
    fn sign(&self, digest: &[u8]) -> MetaSignature {
        let sig: Signature = self.sk.sign_prehash(digest).unwrap();
        MetaSignature { signer: self.hex.clone(), signature: Binary::from(sig.to_bytes().to_vec()) }
    }
}

fn setup() -> Deps {
    let mut deps = mock_dependencies();
    instantiate(deps.as_mut(), mock_env(), mock_info("creator", &[]), InstantiateMsg { address_prefix: None }).unwrap();
    deps
}

fn env_at(height: u64, time: u64) -> Env {
    let mut env = mock_env();
    env.block.height = height;
    env.block.time = cosmwasm_std::Timestamp::from_seconds(time);
    env
}

fn exec(deps: &mut Deps, env: Env, sender: &str, msg: ExecuteMsg) -> Result<Response, ContractError> {
    execute(deps.as_mut(), env, mock_info(sender, &[]), msg)
}

fn q<T: serde::de::DeserializeOwned>(deps: &Deps, env: Env, msg: QueryMsg) -> T {
    from_json(query(deps.as_ref(), env, msg).unwrap()).unwrap()
}

fn attr<'a>(r: &'a Response, k: &str) -> &'a str {
    r.attributes.iter().find(|a| a.key == k).map(|a| a.value.as_str()).unwrap_or_else(|| panic!("no {k}"))
}

fn owner(deps: &Deps, id: &str) -> IdentityOwnerResponse {
    q(deps, mock_env(), QueryMsg::IdentityOwner { identity: id.into() })
}

fn add_delegate(id: &Key, delegate: &str, validity: u64) -> ExecuteMsg {
    ExecuteMsg::AddDelegate { identity: id.hex.clone(), delegate_type: "sigAuth".into(), delegate: delegate.into(), validity }
}

#[test]
fn default_owner_is_the_keys_own_address() {
    let deps = setup();
    let alice = key("alice");
    let r = owner(&deps, &alice.hex);
    assert_eq!(r.owner.as_deref(), Some(alice.addr.as_str()));
    assert!(!r.deactivated);
    let c: ChangedResponse = q(&deps, mock_env(), QueryMsg::Changed { identity: alice.hex.clone() });
    assert_eq!(c.height, None);
}

#[test]
fn change_owner_links_history_through_previous_change() {
    let mut deps = setup();
    let (alice, bob, carol) = (key("alice"), key("bob"), key("carol"));
    let r = exec(&mut deps, env_at(100, 1000), &alice.addr,
        ExecuteMsg::ChangeOwner { identity: alice.hex.clone(), new_owner: Some(bob.addr.clone()) }).unwrap();
    assert_eq!(attr(&r, "action"), "change_did_owner");
    assert_eq!(attr(&r, "owner"), bob.addr);
    assert_eq!(attr(&r, "previous_change"), "0");
    assert_eq!(owner(&deps, &alice.hex).owner.as_deref(), Some(bob.addr.as_str()));
    // the old owner lost control
    let err = exec(&mut deps, env_at(101, 1001), &alice.addr,
        ExecuteMsg::ChangeOwner { identity: alice.hex.clone(), new_owner: Some(carol.addr.clone()) }).unwrap_err();
    assert!(matches!(err, ContractError::Unauthorized { .. }), "{err}");
    let r = exec(&mut deps, env_at(120, 1100), &bob.addr,
        ExecuteMsg::ChangeOwner { identity: alice.hex.clone(), new_owner: Some(carol.addr.clone()) }).unwrap();
    assert_eq!(attr(&r, "previous_change"), "100");
    let c: ChangedResponse = q(&deps, mock_env(), QueryMsg::Changed { identity: alice.hex.clone() });
    assert_eq!(c.height, Some(120));
}

#[test]
fn deactivation_is_final() {
    let mut deps = setup();
    let (alice, bob) = (key("alice"), key("bob"));
    exec(&mut deps, env_at(10, 100), &alice.addr, add_delegate(&alice, &bob.addr, 1000)).unwrap();
    let r = exec(&mut deps, env_at(11, 101), &alice.addr,
        ExecuteMsg::ChangeOwner { identity: alice.hex.clone(), new_owner: None }).unwrap();
    assert_eq!(attr(&r, "deactivated"), "true");
    assert_eq!(attr(&r, "previous_change"), "10");
    let o = owner(&deps, &alice.hex);
    assert!(o.deactivated && o.owner.is_none());
    // nobody can change anything afterwards, not even the key's own address
    for msg in [
        ExecuteMsg::ChangeOwner { identity: alice.hex.clone(), new_owner: Some(alice.addr.clone()) },
        add_delegate(&alice, &bob.addr, 10),
        ExecuteMsg::SetAttribute { identity: alice.hex.clone(), name: "did/svc/X".into(), value: "ab".into(), validity: 5 },
    ] {
        let err = exec(&mut deps, env_at(12, 102), &alice.addr, msg).unwrap_err();
        assert!(matches!(err, ContractError::Deactivated { .. }), "{err}");
    }
    // and the delegate added before no longer counts
    let v: ValidDelegateResponse = q(&deps, env_at(12, 102), QueryMsg::ValidDelegate {
        identity: alice.hex.clone(), delegate_type: "sigAuth".into(), delegate: bob.addr.clone() });
    assert!(!v.valid);
}

#[test]
fn delegates_expire_and_can_be_revoked() {
    let mut deps = setup();
    let (alice, bob, eve) = (key("alice"), key("bob"), key("eve"));
    let r = exec(&mut deps, env_at(10, 1000), &alice.addr, add_delegate(&alice, &bob.addr, 500)).unwrap();
    assert_eq!(attr(&r, "action"), "change_did_delegate");
    assert_eq!(attr(&r, "valid_to"), "1500");
    let valid = |deps: &Deps, t: u64, who: &str, ty: &str| -> bool {
        let v: ValidDelegateResponse = q(deps, env_at(11, t), QueryMsg::ValidDelegate {
            identity: alice.hex.clone(), delegate_type: ty.into(), delegate: who.into() });
        v.valid
    };
    assert!(valid(&deps, 1499, &bob.addr, "sigAuth"));
    assert!(!valid(&deps, 1500, &bob.addr, "sigAuth"), "valid_to is exclusive");
    assert!(!valid(&deps, 1000, &bob.addr, "veriKey"), "types are separate");
    assert!(!valid(&deps, 1000, &eve.addr, "sigAuth"));
    // a delegate cannot add delegates (only the owner can)
    let err = exec(&mut deps, env_at(11, 1001), &bob.addr, add_delegate(&alice, &eve.addr, 10)).unwrap_err();
    assert!(matches!(err, ContractError::Unauthorized { .. }));
    let r = exec(&mut deps, env_at(12, 1100), &alice.addr, ExecuteMsg::RevokeDelegate {
        identity: alice.hex.clone(), delegate_type: "sigAuth".into(), delegate: bob.addr.clone() }).unwrap();
    assert_eq!(attr(&r, "valid_to"), "1100");
    assert_eq!(attr(&r, "previous_change"), "10");
    assert!(!valid(&deps, 1100, &bob.addr, "sigAuth"));
}

#[test]
fn attributes_emit_events_and_update_changed() {
    let mut deps = setup();
    let alice = key("alice");
    let r = exec(&mut deps, env_at(50, 1000), &alice.addr, ExecuteMsg::SetAttribute {
        identity: alice.hex.clone(), name: "did/svc/HubService".into(),
        value: "0x68747470733A2F2F687562732E75706F72742E6D65".into(), validity: 86400 }).unwrap();
    assert_eq!(attr(&r, "action"), "change_did_attribute");
    assert_eq!(attr(&r, "value"), "68747470733a2f2f687562732e75706f72742e6d65");
    assert_eq!(attr(&r, "valid_to"), "87400");
    let r = exec(&mut deps, env_at(60, 1001), &alice.addr, ExecuteMsg::RevokeAttribute {
        identity: alice.hex.clone(), name: "did/svc/HubService".into(),
        value: "68747470733a2f2f687562732e75706f72742e6d65".into() }).unwrap();
    assert_eq!(attr(&r, "valid_to"), "0");
    assert_eq!(attr(&r, "previous_change"), "50");
    for (name, value) in [("", "ab"), ("has space", "ab"), ("did/svc/X", "abc"), ("did/svc/X", "zz"), ("did/svc/X", "")] {
        let err = exec(&mut deps, env_at(61, 1002), &alice.addr, ExecuteMsg::SetAttribute {
            identity: alice.hex.clone(), name: name.into(), value: value.into(), validity: 1 }).unwrap_err();
        assert!(matches!(err, ContractError::InvalidField { .. }), "{name:?} {value:?}: {err}");
    }
}

#[test]
fn bad_identities_and_addresses_are_rejected() {
    let mut deps = setup();
    let alice = key("alice");
    let err = exec(&mut deps, mock_env(), &alice.addr,
        ExecuteMsg::ChangeOwner { identity: "04abcd".into(), new_owner: None }).unwrap_err();
    assert!(matches!(err, ContractError::InvalidIdentity { .. }));
    for bad in ["cosmos1zq5e4w2w552t4slmclezsuxu5jupmpu5hm2w7q", "shareledger1abc", "SHARELEDGER1ZQ5E4W2W552T4SLMCLEZSUXU5JUPMPU52UT6VD"] {
        let err = exec(&mut deps, mock_env(), &alice.addr,
            ExecuteMsg::ChangeOwner { identity: alice.hex.clone(), new_owner: Some(bad.into()) }).unwrap_err();
        assert!(matches!(err, ContractError::InvalidAddress { .. }), "{bad}: {err}");
    }
}

fn sign_bytes(deps: &Deps, env: Env, id: &Key, action: SignedAction) -> SignBytesResponse {
    q(deps, env, QueryMsg::SignBytes { identity: id.hex.clone(), action })
}

#[test]
fn meta_transactions_verify_signature_and_nonce() {
    let mut deps = setup();
    let (alice, bob, relayer) = (key("alice"), key("bob"), key("relayer"));
    let env = env_at(70, 5000);
    let action = SignedAction::AddDelegate { delegate_type: "veriKey".into(), delegate: bob.addr.clone(), validity: 60 };
    let sb = sign_bytes(&deps, env.clone(), &alice, action);
    assert_eq!(sb.nonce, 0);
    assert_eq!(sb.digest.as_slice(), &Sha256::digest(sb.sign_bytes.as_slice())[..]);
    let auth = alice.sign(&sb.digest);
    let msg = ExecuteMsg::AddDelegateSigned {
        identity: alice.hex.clone(), delegate_type: "veriKey".into(), delegate: bob.addr.clone(), validity: 60, auth: auth.clone() };
    // the relayer sends it and pays the gas
    let r = exec(&mut deps, env.clone(), &relayer.addr, msg.clone()).unwrap();
    assert_eq!(attr(&r, "signer"), alice.addr);
    assert_eq!(attr(&r, "valid_to"), "5060");
    let n: NonceResponse = q(&deps, env.clone(), QueryMsg::Nonce { identity: alice.hex.clone() });
    assert_eq!(n.nonce, 1);
    // replaying the same signed message fails: the nonce moved on
    let err = exec(&mut deps, env.clone(), &relayer.addr, msg).unwrap_err();
    assert!(matches!(err, ContractError::InvalidSignature { .. }), "{err}");
    // a signature over other fields does not authorize this change
    let sb = sign_bytes(&deps, env.clone(), &alice, SignedAction::SetAttribute { name: "did/svc/A".into(), value: "01".into(), validity: 1 });
    let err = exec(&mut deps, env.clone(), &relayer.addr, ExecuteMsg::SetAttributeSigned {
        identity: alice.hex.clone(), name: "did/svc/A".into(), value: "02".into(), validity: 1, auth: alice.sign(&sb.digest) }).unwrap_err();
    assert!(matches!(err, ContractError::InvalidSignature { .. }), "{err}");
    // a valid signature by someone who is not the owner is refused
    let err = exec(&mut deps, env.clone(), &relayer.addr, ExecuteMsg::SetAttributeSigned {
        identity: alice.hex.clone(), name: "did/svc/A".into(), value: "01".into(), validity: 1, auth: bob.sign(&sb.digest) }).unwrap_err();
    assert!(matches!(err, ContractError::Unauthorized { .. }), "{err}");
    // the same signature with a different chain id (another chain) does not verify
    let mut other = env.clone();
    other.block.chain_id = "other-chain".into();
    let err = exec(&mut deps, other, &relayer.addr, ExecuteMsg::SetAttributeSigned {
        identity: alice.hex.clone(), name: "did/svc/A".into(), value: "01".into(), validity: 1, auth: alice.sign(&sb.digest) }).unwrap_err();
    assert!(matches!(err, ContractError::InvalidSignature { .. }), "{err}");
    exec(&mut deps, env.clone(), &relayer.addr, ExecuteMsg::SetAttributeSigned {
        identity: alice.hex.clone(), name: "did/svc/A".into(), value: "01".into(), validity: 1, auth: alice.sign(&sb.digest) }).unwrap();
}

#[test]
fn every_signed_variant_works_and_deactivation_by_signature() {
    let mut deps = setup();
    let (alice, bob, relayer) = (key("alice"), key("bob"), key("relayer"));
    let env = env_at(80, 6000);
    let steps: Vec<(SignedAction, Box<dyn Fn(MetaSignature) -> ExecuteMsg>)> = vec![
        (SignedAction::AddDelegate { delegate_type: "sigAuth".into(), delegate: bob.addr.clone(), validity: 9 },
         Box::new(|auth| ExecuteMsg::AddDelegateSigned { identity: key("alice").hex, delegate_type: "sigAuth".into(), delegate: key("bob").addr, validity: 9, auth })),
        (SignedAction::RevokeDelegate { delegate_type: "sigAuth".into(), delegate: bob.addr.clone() },
         Box::new(|auth| ExecuteMsg::RevokeDelegateSigned { identity: key("alice").hex, delegate_type: "sigAuth".into(), delegate: key("bob").addr, auth })),
        (SignedAction::SetAttribute { name: "did/pub/Secp256k1/veriKey/hex".into(), value: "02ab".into(), validity: 9 },
         Box::new(|auth| ExecuteMsg::SetAttributeSigned { identity: key("alice").hex, name: "did/pub/Secp256k1/veriKey/hex".into(), value: "02ab".into(), validity: 9, auth })),
        (SignedAction::RevokeAttribute { name: "did/pub/Secp256k1/veriKey/hex".into(), value: "02ab".into() },
         Box::new(|auth| ExecuteMsg::RevokeAttributeSigned { identity: key("alice").hex, name: "did/pub/Secp256k1/veriKey/hex".into(), value: "02ab".into(), auth })),
        (SignedAction::ChangeOwner { new_owner: None },
         Box::new(|auth| ExecuteMsg::ChangeOwnerSigned { identity: key("alice").hex, new_owner: None, auth })),
    ];
    for (i, (action, make)) in steps.into_iter().enumerate() {
        let sb = sign_bytes(&deps, env.clone(), &alice, action);
        assert_eq!(sb.nonce, i as u64);
        exec(&mut deps, env.clone(), &relayer.addr, make(alice.sign(&sb.digest))).unwrap();
    }
    assert!(owner(&deps, &alice.hex).deactivated);
}
