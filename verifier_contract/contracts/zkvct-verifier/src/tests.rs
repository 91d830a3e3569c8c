//! Contract tests: the real CW1056 registry and the verifier, both running in cw-multi-test, with
//! keys and proofs made by snarkjs for toy circuits in the protocol-v2 layout
//! (fixtures/age_bound: 7 inputs, DID-bound; fixtures/age_unlinkable: 6 inputs; the scope and
//! the challenge in the proofs are derived from the relying party, statement and request in
//! fixtures/v2_meta.json, see fixtures/make_inputs.js). Each rule of docs/protocol.md has a test
//! that names the reason code it expects.
use ark_bn254::{Fq2, Fr as ArkFr, G1Affine, G2Affine};
use ark_ec::CurveGroup;
use ark_ff::{Field, PrimeField};
use cosmwasm_std::{Addr, Binary, Empty, Timestamp};
use cw_multi_test::{App, AppResponse, Contract, ContractWrapper, Executor};
use k256::ecdsa::signature::hazmat::PrehashSigner;
use k256::ecdsa::{Signature, SigningKey};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use zkvct_groth16::{decimal, SnarkjsProof, SnarkjsVerificationKey};

use crate::msg::*;
use crate::ContractError;

const BOUND_VK: &str = include_str!("../../../fixtures/age_bound/verification_key.json");
const BOUND_PROOF_1: &str = include_str!("../../../fixtures/age_bound/proof_1.json");
const BOUND_PUBLIC_1: &str = include_str!("../../../fixtures/age_bound/public_1.json");
const BOUND_PROOF_2: &str = include_str!("../../../fixtures/age_bound/proof_2.json");
const BOUND_PUBLIC_2: &str = include_str!("../../../fixtures/age_bound/public_2.json");
const BOUND_PROOF_ZKVCT_1: &str = include_str!("../../../fixtures/age_bound/proof_zkvct_1.json");
const BOUND_PUBLIC_ZKVCT_1: &str = include_str!("../../../fixtures/age_bound/public_zkvct_1.json");
const ANON_VK: &str = include_str!("../../../fixtures/age_unlinkable/verification_key.json");
const ANON_PROOF_1: &str = include_str!("../../../fixtures/age_unlinkable/proof_1.json");
const ANON_PUBLIC_1: &str = include_str!("../../../fixtures/age_unlinkable/public_1.json");
const ANON_PROOF_2: &str = include_str!("../../../fixtures/age_unlinkable/proof_2.json");
const ANON_PUBLIC_2: &str = include_str!("../../../fixtures/age_unlinkable/public_2.json");
const META: &str = include_str!("../../../fixtures/v2_meta.json");
const ONE_VK: &str = include_str!("../../../fixtures/one_input/verification_key.json");

/// BN254 scalar field order r and base field order q.
const R: &str = "21888242871839275222246405745257275088548364400416034343698204186575808495617";
const Q: &str = "21888242871839275222246405745257275088696311157297823662689037894645226208583";

const BOUND: &str = "age-18";
const ANON: &str = "age-18-anon";

#[derive(Deserialize)]
struct KeyHex {
    sk: String,
}

#[derive(Deserialize)]
struct StatementMeta {
    statement_id: String,
    scope: String,
}

#[derive(Deserialize, Clone)]
struct RequestMeta {
    id: String,
    nonce: String,
    expires_at: u64,
}

#[derive(Deserialize)]
struct Meta {
    holder: KeyHex,
    issuer: KeyHex,
    relying_party: KeyHex,
    holder_did: String,
    issuer_did: String,
    relying_party_did: String,
    holder_did_hash: String,
    cutoff_years: u32,
    block_time_seconds: u64,
    statements: BTreeMap<String, StatementMeta>,
    requests: BTreeMap<String, RequestMeta>,
}

fn meta() -> Meta {
    serde_json::from_str(META).unwrap()
}

#[derive(Clone)]
struct Who {
    did: String,
    addr: Addr,
    sk: SigningKey,
}

fn who_from_sk(sk_hex: &str) -> Who {
    let sk = SigningKey::from_slice(&cw1056::address::decode_hex(sk_hex).unwrap()).unwrap();
    let pk = sk.verifying_key().to_encoded_point(true);
    let hex: String = pk.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
    Who { did: format!("did:shr:{hex}"), addr: Addr::unchecked(cw1056::address::pubkey_address("shareledger", pk.as_bytes())), sk }
}

fn who(label: &str) -> Who {
    let seed = Sha256::digest(format!("zkvct verifier test {label}").as_bytes());
    who_from_sk(&seed.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

fn identity(w: &Who) -> String {
    w.did.trim_start_matches("did:shr:").to_string()
}

fn registry_contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(
        cw1056::contract::execute,
        cw1056::contract::instantiate,
        cw1056::contract::query,
    ))
}

fn verifier_contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(crate::contract::execute, crate::contract::instantiate, crate::contract::query))
}

const WINDOW: u64 = 3600;

struct Env {
    app: App,
    registry: Addr,
    verifier: Addr,
    holder: Who,
    issuer: Who,
    rp: Who,
    eve: Who,
    meta: Meta,
}

fn vk(s: &str) -> SnarkjsVerificationKey {
    serde_json::from_str(s).unwrap()
}
fn proof(s: &str) -> SnarkjsProof {
    serde_json::from_str(s).unwrap()
}
fn publics(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap()
}

/// The v2 layout: root, cutoff_days, today_days, scope, nullifier, challenge, [holder_did_hash].
fn age_roles(years: u32, bound: bool) -> Vec<InputRole> {
    let mut r = vec![
        InputRole::IssuerRoot,
        InputRole::CutoffDays { years },
        InputRole::TodayDays,
        InputRole::Scope,
        InputRole::Nullifier,
        InputRole::Challenge,
    ];
    if bound {
        r.push(InputRole::HolderDidHash);
    }
    r
}

/// The fixture proofs by name: ("bound" | "anon", serial).
fn fixture(kind: &str, n: u32) -> (&'static str, &'static str) {
    match (kind, n) {
        ("bound", 1) => (BOUND_PROOF_1, BOUND_PUBLIC_1),
        ("bound", 2) => (BOUND_PROOF_2, BOUND_PUBLIC_2),
        ("anon", 1) => (ANON_PROOF_1, ANON_PUBLIC_1),
        ("anon", 2) => (ANON_PROOF_2, ANON_PUBLIC_2),
        _ => unreachable!(),
    }
}

impl Env {
    fn new() -> Env {
        Env::with_window(WINDOW)
    }

    fn with_window(window: u64) -> Env {
        let meta = meta();
        let mut app = App::default();
        app.update_block(|b| {
            b.time = Timestamp::from_seconds(meta.block_time_seconds);
            b.height = 1000;
        });
        let admin = Addr::unchecked("admin");
        let rc = app.store_code(registry_contract());
        let vc = app.store_code(verifier_contract());
        let registry = app
            .instantiate_contract(rc, admin.clone(), &cw1056::msg::InstantiateMsg { address_prefix: None }, &[], "cw1056", None)
            .unwrap();
        let verifier = app
            .instantiate_contract(
                vc,
                admin,
                &InstantiateMsg {
                    registry: registry.to_string(),
                    root_window_secs: window,
                    delegate_type: None,
                    date_tolerance_days: None,
                },
                &[],
                "zkvct",
                None,
            )
            .unwrap();
        let (holder, issuer, rp) =
            (who_from_sk(&meta.holder.sk), who_from_sk(&meta.issuer.sk), who_from_sk(&meta.relying_party.sk));
        assert_eq!((&holder.did, &issuer.did, &rp.did), (&meta.holder_did, &meta.issuer_did, &meta.relying_party_did));
        Env { app, registry, verifier, holder, issuer, rp, eve: who("eve"), meta }
    }

    fn exec(&mut self, sender: &Addr, msg: &ExecuteMsg) -> Result<AppResponse, ContractError> {
        self.app
            .execute_contract(sender.clone(), self.verifier.clone(), msg, &[])
            .map_err(|e| match e.downcast::<ContractError>() {
                Ok(c) => c,
                Err(e) => panic!("not a contract error: {e:?}"),
            })
    }

    fn registry_exec(&mut self, sender: &Addr, msg: &cw1056::msg::ExecuteMsg) {
        self.app.execute_contract(sender.clone(), self.registry.clone(), msg, &[]).unwrap();
    }

    fn q<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> T {
        self.app.wrap().query_wasm_smart(self.verifier.clone(), msg).unwrap()
    }

    fn register_msg(&self, id: &str, key: SnarkjsVerificationKey, roles: Vec<InputRole>, issuers: Vec<String>) -> ExecuteMsg {
        ExecuteMsg::RegisterStatement {
            statement_id: id.into(),
            owner_did: self.rp.did.clone(),
            verification_key: key,
            roles,
            trusted_issuers: issuers,
            record_validity_secs: Some(86_400 * 365),
            description: Some("age >= 18".into()),
        }
    }

    fn register(&mut self, id: &str, key: &str, roles: Vec<InputRole>) {
        let msg = self.register_msg(id, vk(key), roles, vec![self.issuer.did.clone()]);
        let rp = self.rp.addr.clone();
        self.exec(&rp, &msg).unwrap();
    }

    fn anchor_with(&mut self, root: &str, retire_previous: bool) -> Result<AppResponse, ContractError> {
        let (issuer, did) = (self.issuer.addr.clone(), self.issuer.did.clone());
        self.exec(&issuer, &ExecuteMsg::AnchorRoot { issuer_did: did, root: root.into(), retire_previous })
    }

    fn anchor(&mut self, root: &str) {
        self.anchor_with(root, false).unwrap();
    }

    /// Both statements registered, the root of credential 1 anchored.
    fn ready() -> Env {
        let mut e = Env::new();
        let years = e.meta.cutoff_years;
        e.register(BOUND, BOUND_VK, age_roles(years, true));
        e.register(ANON, ANON_VK, age_roles(years, false));
        let root = publics(BOUND_PUBLIC_1)[0].clone();
        e.anchor(&root);
        e
    }

    /// The request a fixture proof answers, as its holder would submit it.
    fn req(&self, kind: &str, n: u32) -> VerifyRequest {
        let (p, public) = fixture(kind, n);
        let circuit = if kind == "bound" { "age_bound" } else { "age_unlinkable" };
        let r = self.meta.requests[&format!("{circuit}_{n}")].clone();
        VerifyRequest {
            statement_id: self.meta.statements[circuit].statement_id.clone(),
            version: None,
            proof: proof(p),
            public_inputs: publics(public),
            issuer_did: self.issuer.did.clone(),
            relying_party_did: self.rp.did.clone(),
            request: ProofRequest { id: r.id, nonce: r.nonce, expires_at: r.expires_at },
            holder_did: (kind == "bound").then(|| self.holder.did.clone()),
            holder_authorization: None,
        }
    }

    fn verify(&mut self, sender: &Addr, req: VerifyRequest) -> Result<AppResponse, ContractError> {
        self.exec(sender, &ExecuteMsg::Verify(req))
    }

    fn dry_run(&self, req: VerifyRequest, sender: Option<&Addr>) -> VerifyResponse {
        self.q(&QueryMsg::Verify { request: req, sender: sender.map(|a| a.to_string()) })
    }

    fn nullifier_used(&self, statement_id: &str, public: &[String]) -> bool {
        let r: NullifierResponse = self.q(&QueryMsg::Nullifier {
            statement_id: statement_id.into(),
            scope: public[3].clone(),
            nullifier: public[4].clone(),
        });
        r.used
    }

    fn zkvct(&self) -> ZkvctResponse {
        self.q(&QueryMsg::Zkvct { holder_did: self.holder.did.clone(), statement_id: BOUND.into() })
    }

    /// The holder's authorization for `req`, signed by `signer` with `nonce` (None: the current one).
    fn authorize(&self, req: &VerifyRequest, signer: &Who, nonce: Option<u64>) -> HolderAuthorization {
        let sb: SignBytesResponse = self.q(&QueryMsg::AuthorizationSignBytes { request: req.clone() });
        let nonce = nonce.unwrap_or(sb.nonce);
        let bytes = crate::derive::authorization_sign_bytes(
            &self.app.block_info().chain_id,
            self.verifier.as_str(),
            nonce,
            req.holder_did.as_deref().unwrap(),
            &req.statement_id,
            &req.relying_party_did,
            &req.request.id,
            &hex32(&sb.proof_hash),
        );
        if nonce == sb.nonce {
            assert_eq!(bytes, sb.sign_bytes.to_vec(), "the query gives the bytes the contract checks");
        }
        let sig: Signature = signer.sk.sign_prehash(&Sha256::digest(&bytes)).unwrap();
        let pk = signer.sk.verifying_key().to_encoded_point(true);
        HolderAuthorization {
            public_key: pk.as_bytes().iter().map(|b| format!("{b:02x}")).collect(),
            signature: Binary::from(sig.to_bytes().to_vec()),
            nonce,
        }
    }

    fn advance(&mut self, secs: u64) {
        self.app.update_block(|b| {
            b.time = b.time.plus_seconds(secs);
            b.height += 1;
        });
    }
}

fn hex32(s: &str) -> [u8; 32] {
    cw1056::address::decode_hex(s).unwrap().try_into().unwrap()
}

fn attr(r: &AppResponse, k: &str) -> String {
    r.events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == k)
        .map(|a| a.value.clone())
        .unwrap_or_else(|| panic!("no attribute {k}"))
}

/// Asserts a refusal's reason code (the spec's string, which starts the contract's message).
#[track_caller]
fn refused(r: Result<AppResponse, ContractError>, code: &str) -> ContractError {
    let err = r.expect_err("expected a refusal");
    assert_eq!(err.code(), code, "{err}");
    assert!(err.to_string().starts_with(&format!("{code}: ")), "{err}");
    err
}

// ---- point helpers (tests build tampered proofs and keys from the fixtures) ----

fn dec_fq(s: &str) -> ark_bn254::Fq {
    decimal::parse_field(s, "test").unwrap()
}
fn g1_of(c: &[String]) -> G1Affine {
    G1Affine::new(dec_fq(&c[0]), dec_fq(&c[1]))
}
fn g2_of(c: &[Vec<String>]) -> G2Affine {
    G2Affine::new(Fq2::new(dec_fq(&c[0][0]), dec_fq(&c[0][1])), Fq2::new(dec_fq(&c[1][0]), dec_fq(&c[1][1])))
}
fn dec<F: PrimeField<BigInt = ark_ff::BigInt<4>>>(f: F) -> String {
    decimal::to_decimal(&f.into_bigint())
}
fn g1_json(p: G1Affine) -> Vec<String> {
    vec![dec(p.x), dec(p.y), "1".into()]
}
fn g2_json(p: G2Affine) -> Vec<Vec<String>> {
    vec![vec![dec(p.x.c0), dec(p.x.c1)], vec![dec(p.y.c0), dec(p.y.c1)], vec!["1".into(), "0".into()]]
}

/// A point on the G2 twist that is not in the prime-order subgroup.
fn g2_outside_subgroup() -> G2Affine {
    for i in 1u64.. {
        let x = Fq2::new(ark_bn254::Fq::from(i), ark_bn254::Fq::from(1u64));
        if let Some(p) = G2Affine::get_point_from_x_unchecked(x, false) {
            if p.is_on_curve() && !p.is_in_correct_subgroup_assuming_on_curve() {
                return p;
            }
        }
    }
    unreachable!()
}

/// The same statement proven again without the witness: (t·A, t⁻¹·B, C) verifies too.
fn rerandomized(p: &SnarkjsProof) -> SnarkjsProof {
    let t = ArkFr::from(7u64);
    let a = (g1_of(&p.pi_a) * t).into_affine();
    let b = (g2_of(&p.pi_b) * t.inverse().unwrap()).into_affine();
    SnarkjsProof { pi_a: g1_json(a), pi_b: g2_json(b), ..p.clone() }
}

fn add_decimal(a: &str, b: &str) -> String {
    // a + b for values below 2^255 (enough for x + r with x < r)
    let x = decimal::parse_u256(a, "a").unwrap();
    let y = decimal::parse_u256(b, "b").unwrap();
    let mut out = [0u64; 4];
    let mut carry = 0u128;
    for i in 0..4 {
        let s = x.0[i] as u128 + y.0[i] as u128 + carry;
        out[i] = s as u64;
        carry = s >> 64;
    }
    decimal::to_decimal(&ark_ff::BigInt::new(out))
}

// ---- the accepted paths ----

#[test]
fn the_holder_submits_a_did_bound_proof_and_everything_is_recorded() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    let req = e.req("bound", 1);
    assert!(e.dry_run(req.clone(), Some(&holder)).valid);
    assert!(!e.nullifier_used(BOUND, &req.public_inputs), "a dry run changes nothing");
    let r = e.verify(&holder, req.clone()).unwrap();
    assert_eq!(attr(&r, "action"), "verify_zkvct");
    assert_eq!(attr(&r, "holder_did"), e.holder.did);
    assert_eq!(attr(&r, "relying_party_did"), e.rp.did);
    assert_eq!(attr(&r, "nullifier"), req.public_inputs[4]);
    assert!(e.nullifier_used(BOUND, &req.public_inputs));
    let p: ProofResponse = e.q(&QueryMsg::Proof { proof_hash: attr(&r, "proof_hash") });
    assert!(p.used && p.statement_id.as_deref() == Some(BOUND));
    let z = e.zkvct();
    assert!(z.valid && z.reason.is_none());
    let rec = z.record.unwrap();
    assert_eq!((rec.version, rec.issuer_did.as_str(), rec.relying_party_did.as_str()), (1, e.issuer.did.as_str(), e.rp.did.as_str()));
    assert_eq!(rec.valid_until, Some(e.meta.block_time_seconds + 86_400 * 365));
    // a second credential of the same holder (another leaf, so another root) has its own nullifier
    e.anchor(&publics(BOUND_PUBLIC_2)[0]);
    e.verify(&holder, e.req("bound", 2)).unwrap();
    let all: ZkvctsResponse = e.q(&QueryMsg::Zkvcts { holder_did: e.holder.did.clone() });
    assert_eq!(all.records.len(), 1, "one record per (holder, statement)");
}

#[test]
fn the_relying_party_submits_an_unlinkable_proof() {
    let mut e = Env::ready();
    let (rp, eve, holder) = (e.rp.addr.clone(), e.eve.addr.clone(), e.holder.addr.clone());
    let req = e.req("anon", 1);
    // only the relying party may submit an unlinkable proof: not the holder, not eve
    refused(e.verify(&holder, req.clone()), "sender_not_authorized");
    refused(e.verify(&eve, req.clone()), "sender_not_authorized");
    let mut named = req.clone();
    named.holder_did = Some(e.holder.did.clone());
    refused(e.verify(&rp, named), "malformed");
    let r = e.verify(&rp, req.clone()).unwrap();
    assert!(r.events.iter().all(|ev| ev.attributes.iter().all(|a| a.key != "holder_did")), "no holder, no record");
    assert!(e.nullifier_used(ANON, &req.public_inputs));
    assert!(e.zkvct().record.is_none());
}

#[test]
fn did_hash_matches_the_fixture_and_its_definition() {
    let e = Env::new();
    let r: DidHashResponse = e.q(&QueryMsg::DidHash { did: e.meta.holder_did.clone() });
    assert_eq!(r.hash, e.meta.holder_did_hash);
    assert_eq!(publics(BOUND_PUBLIC_1)[6], e.meta.holder_did_hash);
    let loud = format!("did:shr:0x{}", identity(&e.holder).to_uppercase());
    let r2: DidHashResponse = e.q(&QueryMsg::DidHash { did: loud });
    assert_eq!((r2.did, r2.hash), (e.meta.holder_did.clone(), e.meta.holder_did_hash.clone()));
}

#[test]
fn scope_and_challenge_are_derived_as_the_fixtures_were() {
    // the fixtures were made by make_inputs.js, an independent implementation of the derivations
    let e = Env::new();
    let st = &e.meta.statements["age_bound"];
    let scope = crate::derive::scope(&e.rp.did, &st.statement_id);
    assert_eq!(decimal::to_decimal(&ArkFr::from_be_bytes_mod_order(&scope).into_bigint()), st.scope);
    assert_eq!(publics(BOUND_PUBLIC_1)[3], st.scope);
    let r = &e.meta.requests["age_bound_1"];
    let req = ProofRequest { id: r.id.clone(), nonce: r.nonce.clone(), expires_at: r.expires_at };
    let ch = crate::derive::challenge(&e.rp.did, &req);
    assert_eq!(decimal::to_decimal(&ArkFr::from_be_bytes_mod_order(&ch).into_bigint()), publics(BOUND_PUBLIC_1)[5]);
}

#[test]
fn a_valid_delegate_of_the_holder_may_submit() {
    let mut e = Env::ready();
    let (holder, friend) = (e.holder.clone(), who("friend"));
    e.registry_exec(&holder.addr, &cw1056::msg::ExecuteMsg::AddDelegate {
        identity: identity(&holder),
        delegate_type: "sigAuth".into(),
        delegate: friend.addr.to_string(),
        validity: 600,
    });
    e.verify(&friend.addr, e.req("bound", 1)).unwrap();
}

// ---- holder authorization: the relying party submits for the holder ----

#[test]
fn the_relying_party_submits_with_the_holders_authorization() {
    let mut e = Env::ready();
    let rp = e.rp.addr.clone();
    let mut req = e.req("bound", 1);
    // without the holder's consent the relying party may not submit a DID-bound proof
    refused(e.verify(&rp, req.clone()), "sender_not_authorized");
    req.holder_authorization = Some(e.authorize(&req, &e.holder, None));
    assert_eq!(req.holder_authorization.as_ref().unwrap().nonce, 0);
    e.verify(&rp, req).unwrap();
    let n: AuthorizationNonceResponse = e.q(&QueryMsg::AuthorizationNonce { holder_did: e.holder.did.clone() });
    assert_eq!(n.nonce, 1, "an accepted authorization consumes its nonce");
    assert!(e.zkvct().valid);
    // the next authorization carries nonce 1
    e.anchor(&publics(BOUND_PUBLIC_2)[0]);
    let mut req = e.req("bound", 2);
    req.holder_authorization = Some(e.authorize(&req, &e.holder, None));
    assert_eq!(req.holder_authorization.as_ref().unwrap().nonce, 1);
    e.verify(&rp, req).unwrap();
}

#[test]
fn an_authorization_by_a_holder_delegate_counts() {
    let mut e = Env::ready();
    let (holder, device) = (e.holder.clone(), who("holder's phone"));
    e.registry_exec(&holder.addr, &cw1056::msg::ExecuteMsg::AddDelegate {
        identity: identity(&holder),
        delegate_type: "sigAuth".into(),
        delegate: device.addr.to_string(),
        validity: 600,
    });
    let mut req = e.req("bound", 1);
    req.holder_authorization = Some(e.authorize(&req, &device, None));
    e.verify(&e.rp.addr.clone(), req).unwrap();
}

#[test]
fn forged_authorizations_are_refused() {
    let mut e = Env::ready();
    let (rp, eve) = (e.rp.addr.clone(), e.eve.clone());
    let base = e.req("bound", 1);
    // signed by a key that does not control the holder DID
    let mut req = base.clone();
    req.holder_authorization = Some(e.authorize(&req, &eve, None));
    refused(e.verify(&rp, req), "authorization_invalid");
    // the holder's key named, eve's signature
    let mut req = base.clone();
    let mut auth = e.authorize(&req, &eve, None);
    auth.public_key = identity(&e.holder);
    req.holder_authorization = Some(auth);
    refused(e.verify(&rp, req), "authorization_invalid");
    // the holder's signature for another request
    let mut other = base.clone();
    other.request.id = "another request".into();
    let mut req = base.clone();
    req.holder_authorization = Some(e.authorize(&other, &e.holder, None));
    refused(e.verify(&rp, req), "authorization_invalid");
    // a signature that is not 64 bytes, a key that is not a key
    let mut req = base.clone();
    let mut auth = e.authorize(&req, &e.holder, None);
    auth.signature = Binary::from(vec![1u8; 63]);
    req.holder_authorization = Some(auth);
    refused(e.verify(&rp, req), "authorization_invalid");
    let mut req = base.clone();
    let mut auth = e.authorize(&req, &e.holder, None);
    auth.public_key = "02zz".into();
    req.holder_authorization = Some(auth);
    refused(e.verify(&rp, req), "authorization_invalid");
    // a valid authorization in eve's hands: she is not the relying party
    let mut req = base.clone();
    req.holder_authorization = Some(e.authorize(&req, &e.holder, None));
    refused(e.verify(&eve.addr, req.clone()), "sender_not_authorized");
    let n: AuthorizationNonceResponse = e.q(&QueryMsg::AuthorizationNonce { holder_did: e.holder.did.clone() });
    assert_eq!(n.nonce, 0, "refusals consume nothing");
    e.verify(&rp, req).unwrap();
}

#[test]
fn an_authorization_with_another_nonce_is_refused() {
    let mut e = Env::ready();
    let rp = e.rp.addr.clone();
    let mut req = e.req("bound", 1);
    req.holder_authorization = Some(e.authorize(&req, &e.holder, Some(1)));
    let err = refused(e.verify(&rp, req.clone()), "authorization_nonce");
    assert_eq!(err, ContractError::AuthorizationNonce { got: 1, expected: 0 });
    req.holder_authorization = Some(e.authorize(&req, &e.holder, Some(0)));
    e.verify(&rp, req.clone()).unwrap();
    // a used authorization (nonce 0) cannot be spent again, even for a fresh proof of the same request
    let mut again = req.clone();
    again.proof = rerandomized(&req.proof);
    let mut fresh = again.clone();
    fresh.holder_authorization = Some(e.authorize(&again, &e.holder, Some(0)));
    let d = e.dry_run(fresh, Some(&rp));
    assert_eq!(d.code.as_deref(), Some("nullifier_used"), "the nullifier stops it first: {:?}", d.reason);
}

// ---- replays ----

#[test]
fn a_proofs_bytes_are_accepted_once_by_anyone_for_any_statement() {
    let mut e = Env::ready();
    let (holder, rp) = (e.holder.addr.clone(), e.rp.addr.clone());
    e.verify(&holder, e.req("bound", 1)).unwrap();
    let err = refused(e.verify(&holder, e.req("bound", 1)), "proof_replayed");
    assert!(matches!(err, ContractError::ProofReplayed { height: 1000, .. }));
    // the relying party, with a valid authorization, gets the same answer
    let mut req = e.req("bound", 1);
    req.holder_authorization = Some(e.authorize(&req, &e.holder, None));
    refused(e.verify(&rp, req), "proof_replayed");
    // the same key registered under another statement id: the bytes are still spent
    e.register("age-18-copy", BOUND_VK, age_roles(18, true));
    let mut req = e.req("bound", 1);
    req.statement_id = "age-18-copy".into();
    refused(e.verify(&holder, req), "proof_replayed");
}

#[test]
fn rerandomized_proofs_hit_the_nullifier() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    e.verify(&holder, e.req("bound", 1)).unwrap();
    let mut req = e.req("bound", 1);
    req.proof = rerandomized(&req.proof);
    assert_ne!(req.proof, proof(BOUND_PROOF_1));
    refused(e.verify(&holder, req.clone()), "nullifier_used");
    let d = e.dry_run(req, Some(&holder));
    assert_eq!(d.code.as_deref(), Some("nullifier_used"));
    assert!(d.reason.unwrap().starts_with("nullifier_used: "));
}

#[test]
fn rerandomized_proof_is_valid_groth16() {
    // the malleability the nullifier defends against is real: the mauled proof passes the pairing
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    let mut req = e.req("bound", 1);
    req.proof = rerandomized(&req.proof);
    e.verify(&holder, req).unwrap();
}

#[test]
fn nullifiers_are_kept_per_statement() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    let req = e.req("bound", 1);
    e.verify(&holder, req.clone()).unwrap();
    assert!(e.nullifier_used(BOUND, &req.public_inputs));
    // the same (scope, nullifier) pair under another statement is untouched: two statements
    // never block each other
    assert!(!e.nullifier_used(ANON, &req.public_inputs));
    assert!(!e.nullifier_used("age-18-copy", &req.public_inputs));
    // and the unlinkable statement's own proof of the same credential goes through
    e.verify(&e.rp.addr.clone(), e.req("anon", 1)).unwrap();
}

// ---- the request: scope, challenge, expiry ----

#[test]
fn a_proof_for_another_relying_party_is_refused() {
    let mut e = Env::ready();
    let other = who("other relying party");
    // the other relying party presents the proof made for rp's request as its own
    let mut req = e.req("anon", 1);
    req.relying_party_did = other.did.clone();
    let err = refused(e.verify(&other.addr, req.clone()), "scope_mismatch");
    assert!(err.to_string().contains(&other.did));
    // ... or in a DID-bound statement, with the holder as sender
    let mut req = e.req("bound", 1);
    req.relying_party_did = other.did.clone();
    refused(e.verify(&e.holder.addr.clone(), req), "scope_mismatch");
}

#[test]
fn the_challenge_must_be_the_one_derived_from_the_request() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    for tweak in 0..3 {
        let mut req = e.req("bound", 1);
        match tweak {
            0 => req.request.nonce = "chosen by the prover".into(),
            1 => req.request.id = "req-2".into(),
            _ => req.request.expires_at += 1,
        }
        refused(e.verify(&holder, req), "challenge_mismatch");
    }
    // the request of proof 2 with proof 1's inputs: challenge and proof disagree
    let mut req = e.req("bound", 1);
    req.request = e.req("bound", 2).request;
    refused(e.verify(&holder, req), "challenge_mismatch");
}

#[test]
fn an_expired_request_is_refused() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    let req = e.req("bound", 1);
    let left = req.request.expires_at - e.app.block_info().time.seconds();
    e.advance(left);
    assert!(e.dry_run(req.clone(), Some(&holder)).valid, "valid up to and including expires_at");
    e.advance(1);
    let err = refused(e.verify(&holder, req), "request_expired");
    assert!(matches!(err, ContractError::RequestExpired { .. }));
}

// ---- the holder ----

#[test]
fn a_proof_for_another_did_is_refused() {
    let mut e = Env::ready();
    let (holder, eve) = (e.holder.addr.clone(), e.eve.addr.clone());
    // eve submits the holder's proof as her own
    refused(e.verify(&eve, e.req("bound", 1)), "sender_not_authorized");
    // eve names her own DID: the hash in the proof is the holder's
    let mut req = e.req("bound", 1);
    req.holder_did = Some(e.eve.did.clone());
    refused(e.verify(&eve, req), "holder_did_mismatch");
    let mut req = e.req("bound", 1);
    req.holder_did = None;
    refused(e.verify(&holder, req), "holder_did_missing");
    let mut req = e.req("bound", 1);
    req.holder_did = Some("did:ethr:0x1234".into());
    refused(e.verify(&holder, req), "malformed");
    // a dry run without a sender cannot check the submitter
    let d = e.dry_run(e.req("bound", 1), None);
    assert_eq!(d.code.as_deref(), Some("sender_not_authorized"));
    // an expired delegate no longer counts
    let friend = who("friend");
    e.registry_exec(&holder, &cw1056::msg::ExecuteMsg::AddDelegate {
        identity: identity(&e.holder),
        delegate_type: "sigAuth".into(),
        delegate: friend.addr.to_string(),
        validity: 10,
    });
    e.advance(10);
    refused(e.verify(&friend.addr, e.req("bound", 1)), "sender_not_authorized");
    // after the holder hands the DID to a new owner, the old key no longer controls it
    let new_owner = who("new owner");
    e.registry_exec(&holder, &cw1056::msg::ExecuteMsg::ChangeOwner {
        identity: identity(&e.holder),
        new_owner: Some(new_owner.addr.to_string()),
    });
    refused(e.verify(&holder, e.req("bound", 1)), "sender_not_authorized");
    e.verify(&new_owner.addr, e.req("bound", 1)).unwrap();
}

// ---- roots and revocation ----

#[test]
fn a_retired_root_is_refused_at_once() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    let root = publics(BOUND_PUBLIC_1)[0].clone();
    let (issuer, issuer_did) = (e.issuer.addr.clone(), e.issuer.did.clone());
    // only the issuer's controller may retire its roots
    let eve = e.eve.addr.clone();
    refused(e.exec(&eve, &ExecuteMsg::RetireRoot { issuer_did: issuer_did.clone(), root: root.clone() }), "sender_not_authorized");
    refused(e.exec(&issuer, &ExecuteMsg::RetireRoot { issuer_did: issuer_did.clone(), root: "5".into() }), "root_unknown");
    e.exec(&issuer, &ExecuteMsg::RetireRoot { issuer_did: issuer_did.clone(), root: root.clone() }).unwrap();
    refused(e.verify(&holder, e.req("bound", 1)), "root_retired");
    let r: RootResponse = e.q(&QueryMsg::IssuerRoot { issuer_did: issuer_did.clone(), root: root.clone() });
    assert!(r.retired && !r.acceptable && r.current);
    // a retired root cannot be anchored again
    refused(e.anchor_with(&root, false), "root_retired");
}

#[test]
fn anchoring_with_retire_previous_retires_every_earlier_root() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    let (root1, root2) = (publics(BOUND_PUBLIC_1)[0].clone(), publics(BOUND_PUBLIC_2)[0].clone());
    // a plain anchor leaves the replaced root usable within the window
    e.anchor("777");
    assert!(e.dry_run(e.req("bound", 1), Some(&holder)).valid);
    e.anchor(&root2);
    assert!(e.dry_run(e.req("bound", 1), Some(&holder)).valid);
    // a revocation: every earlier root (root 1 and 777) is refused from now on, inside the window
    e.anchor_with("888", true).unwrap();
    e.advance(5);
    refused(e.verify(&holder, e.req("bound", 1)), "root_retired");
    refused(e.verify(&holder, e.req("bound", 2)), "root_retired");
    let r: RootResponse = e.q(&QueryMsg::IssuerRoot { issuer_did: e.issuer.did.clone(), root: root1 });
    assert!(r.retired && !r.acceptable);
    let r: RootResponse = e.q(&QueryMsg::IssuerRoot { issuer_did: e.issuer.did.clone(), root: "888".into() });
    assert!(!r.retired && r.acceptable && r.current);
    // and they cannot come back
    refused(e.anchor_with(&root2, false), "root_retired");
}

#[test]
fn a_revocation_root_must_be_the_current_root() {
    let mut e = Env::new();
    let holder = e.holder.addr.clone();
    let mut roles = age_roles(18, true);
    roles[0] = InputRole::RevocationRoot;
    e.register(BOUND, BOUND_VK, roles);
    let root1 = publics(BOUND_PUBLIC_1)[0].clone();
    e.anchor(&root1);
    assert!(e.dry_run(e.req("bound", 1), Some(&holder)).valid);
    // replaced a second ago: fine for an issuer_root within the window, not for a revocation root
    e.anchor("999");
    let err = refused(e.verify(&holder, e.req("bound", 1)), "root_not_current");
    assert!(matches!(err, ContractError::RootNotCurrent { .. }));
    e.anchor(&root1);
    e.verify(&holder, e.req("bound", 1)).unwrap();
}

#[test]
fn a_revoked_credential_makes_its_records_invalid() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    e.verify(&holder, e.req("bound", 1)).unwrap();
    assert!(e.zkvct().valid);
    let (issuer, eve) = (e.issuer.addr.clone(), e.eve.addr.clone());
    let msg = ExecuteMsg::RevokeCredential { issuer_did: e.issuer.did.clone(), holder_did: e.holder.did.clone() };
    refused(e.exec(&eve, &msg), "sender_not_authorized");
    e.advance(5);
    e.exec(&issuer, &msg).unwrap();
    let z = e.zkvct();
    assert!(!z.valid);
    assert_eq!(z.reason.as_deref(), Some("credential_revoked"));
    assert!(z.record.is_some(), "the record stays readable");
}

#[test]
fn records_of_revoked_statements_and_expired_records_are_invalid() {
    let mut e = Env::ready();
    let (holder, rp) = (e.holder.addr.clone(), e.rp.addr.clone());
    assert_eq!(e.zkvct().reason.as_deref(), Some("not_found"));
    e.verify(&holder, e.req("bound", 1)).unwrap();
    e.advance(86_400 * 365);
    let z = e.zkvct();
    assert_eq!((z.valid, z.reason.as_deref()), (false, Some("expired")));
    e.exec(&rp, &ExecuteMsg::RevokeStatement { statement_id: BOUND.into(), version: Some(1) }).unwrap();
    let z = e.zkvct();
    assert_eq!((z.valid, z.reason.as_deref()), (false, Some("statement_revoked")));
}

#[test]
fn untrusted_issuer_and_unknown_root_are_refused() {
    let mut e = Env::new();
    e.register(BOUND, BOUND_VK, age_roles(18, true));
    let holder = e.holder.addr.clone();
    refused(e.verify(&holder, e.req("bound", 1)), "root_unknown");
    // eve anchors the very same root under her own DID: the statement does not trust her
    let (eve, eve_did) = (e.eve.addr.clone(), e.eve.did.clone());
    let root = publics(BOUND_PUBLIC_1)[0].clone();
    e.exec(&eve, &ExecuteMsg::AnchorRoot { issuer_did: eve_did.clone(), root: root.clone(), retire_previous: false }).unwrap();
    let mut req = e.req("bound", 1);
    req.issuer_did = eve_did;
    refused(e.verify(&holder, req), "issuer_not_trusted");
    // nor can eve anchor a root for the trusted issuer
    let msg = ExecuteMsg::AnchorRoot { issuer_did: e.issuer.did.clone(), root, retire_previous: false };
    refused(e.exec(&eve, &msg), "sender_not_authorized");
}

#[test]
fn replaced_roots_are_accepted_only_within_the_window() {
    // a 60 s window, well inside the request's hour
    let mut e = Env::with_window(60);
    let years = e.meta.cutoff_years;
    e.register(BOUND, BOUND_VK, age_roles(years, true));
    let root = publics(BOUND_PUBLIC_1)[0].clone();
    e.anchor(&root);
    let holder = e.holder.addr.clone();
    e.anchor(&publics(BOUND_PUBLIC_2)[0]);
    let r: RootResponse = e.q(&QueryMsg::IssuerRoot { issuer_did: e.issuer.did.clone(), root: root.clone() });
    assert!(r.acceptable && r.replaced_at.is_some() && !r.current);
    e.advance(60);
    assert!(e.dry_run(e.req("bound", 1), Some(&holder)).valid);
    e.advance(1);
    refused(e.verify(&holder, e.req("bound", 1)), "root_expired");
    let r: RootResponse = e.q(&QueryMsg::IssuerRoot { issuer_did: e.issuer.did.clone(), root: root.clone() });
    assert!(r.anchored && !r.acceptable && !r.retired);
    // the current root is unaffected; anchoring the old root again makes it current
    e.verify(&holder, e.req("bound", 2)).unwrap();
    e.anchor(&root);
    e.verify(&holder, e.req("bound", 1)).unwrap();
}

// ---- dates ----

#[test]
fn dates_must_match_block_time() {
    // the fixture's today is the block date; ±1 day is tolerated (requests expire after an hour,
    // so the block time is moved without touching the request's validity)
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    e.app.update_block(|b| b.time = b.time.minus_seconds(86_400));
    assert!(e.dry_run(e.req("bound", 1), Some(&holder)).valid);
    e.app.update_block(|b| b.time = b.time.minus_seconds(86_400));
    refused(e.verify(&holder, e.req("bound", 1)), "today_out_of_range");
}

#[test]
fn cutoff_must_be_the_registered_number_of_years_back() {
    let mut e = Env::new();
    let holder = e.holder.addr.clone();
    // the same circuit registered as "age >= 21": the proof's cutoff (18 years) does not fit
    e.register(BOUND, BOUND_VK, age_roles(21, true));
    e.anchor(&publics(BOUND_PUBLIC_1)[0]);
    let err = refused(e.verify(&holder, e.req("bound", 1)), "cutoff_mismatch");
    assert!(matches!(err, ContractError::BadCutoff { years: 21, .. }), "{err}");
}

// ---- proofs and inputs ----

#[test]
fn tampered_proof_is_rejected_and_changes_nothing() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    let mut req = e.req("bound", 1);
    req.proof.pi_a = proof(BOUND_PROOF_2).pi_a;
    refused(e.verify(&holder, req.clone()), "proof_invalid");
    assert!(!e.nullifier_used(BOUND, &req.public_inputs), "a failed verification records nothing");
    assert!(e.zkvct().record.is_none());
    assert!(!e.dry_run(req, Some(&holder)).valid);
    e.verify(&holder, e.req("bound", 1)).unwrap();
}

#[test]
fn inputs_at_or_above_r_are_rejected() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    for i in [0usize, 4, 6] {
        let mut req = e.req("bound", 1);
        // x + r is the same field element as x: accepting it would fork nullifiers and roots
        req.public_inputs[i] = add_decimal(&req.public_inputs[i], R);
        refused(e.verify(&holder, req), "input_not_canonical");
    }
    for bad in ["", "-1", "0x10", "007", "1e3", " 5", R] {
        let mut req = e.req("bound", 1);
        req.public_inputs[3] = bad.into();
        refused(e.verify(&holder, req), "input_not_canonical");
    }
}

#[test]
fn malformed_proof_points_are_rejected() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    let base = e.req("bound", 1);
    let mut cases: Vec<(&str, VerifyRequest)> = vec![];
    let mut r = base.clone();
    r.proof.pi_a[1] = add_decimal(&r.proof.pi_a[1], "1");
    cases.push(("pi_a off curve", r));
    let mut r = base.clone();
    r.proof.pi_c[0] = add_decimal(&r.proof.pi_c[0], Q);
    cases.push(("pi_c.x >= q", r));
    let mut r = base.clone();
    r.proof.pi_b = g2_json(g2_outside_subgroup());
    cases.push(("pi_b outside subgroup", r));
    let mut r = base.clone();
    r.proof.pi_b[1][1] = add_decimal(&r.proof.pi_b[1][1], "1");
    cases.push(("pi_b off curve", r));
    let mut r = base.clone();
    r.proof.pi_a = vec!["0".into(), "1".into(), "0".into()];
    cases.push(("pi_a at infinity", r));
    let mut r = base.clone();
    r.proof.pi_c.truncate(1);
    cases.push(("pi_c truncated", r));
    let mut r = base.clone();
    r.proof.protocol = Some("plonk".into());
    cases.push(("wrong protocol", r));
    for (what, req) in cases {
        let err = e.verify(&holder, req).unwrap_err();
        assert_eq!(err.code(), "proof_malformed", "{what}: {err}");
    }
}

#[test]
fn wrong_input_count_is_rejected() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    let mut req = e.req("bound", 1);
    req.public_inputs.pop();
    let err = refused(e.verify(&holder, req.clone()), "wrong_input_count");
    assert_eq!(err, ContractError::WrongInputCount { expected: 7, got: 6 });
}

// ---- statements ----

#[test]
fn invalid_keys_are_rejected_at_registration() {
    let mut e = Env::new();
    let rp = e.rp.addr.clone();
    let good = vk(BOUND_VK);
    let mut cases: Vec<(&str, SnarkjsVerificationKey)> = vec![];
    let mut k = good.clone();
    k.vk_alpha_1[1] = add_decimal(&k.vk_alpha_1[1], "1");
    cases.push(("alpha off curve", k));
    let mut k = good.clone();
    k.vk_gamma_2 = g2_json(g2_outside_subgroup());
    cases.push(("gamma outside subgroup", k));
    let mut k = good.clone();
    k.vk_delta_2 = g2_json(g2_outside_subgroup());
    cases.push(("delta outside subgroup", k));
    let mut k = good.clone();
    k.vk_beta_2[0][0] = add_decimal(&k.vk_beta_2[0][0], Q);
    cases.push(("beta coordinate >= q", k));
    let mut k = good.clone();
    k.ic.pop();
    cases.push(("IC shorter than nPublic + 1", k));
    let mut k = good.clone();
    k.n_public = 8;
    cases.push(("nPublic disagrees with IC", k));
    let mut k = good.clone();
    k.ic[2] = vec!["0".into(), "1".into(), "0".into()];
    cases.push(("IC point at infinity", k));
    let mut k = good.clone();
    k.curve = "bls12381".into();
    cases.push(("other curve", k));
    for (what, key) in cases {
        let msg = e.register_msg("bad", key, age_roles(18, true), vec![e.issuer.did.clone()]);
        let err = e.exec(&rp, &msg).unwrap_err();
        assert_eq!(err.code(), "key_invalid", "{what}: {err}");
    }
    let s: Result<StatementResponse, _> =
        e.app.wrap().query_wasm_smart(e.verifier.clone(), &QueryMsg::Statement { statement_id: "bad".into(), version: None });
    assert!(s.is_err(), "nothing was registered");
}

#[test]
fn registration_needs_one_root_scope_nullifier_and_challenge() {
    let mut e = Env::new();
    let rp = e.rp.addr.clone();
    let with = |i: usize, r: InputRole| {
        let mut roles = age_roles(18, true);
        roles[i] = r;
        roles
    };
    let cases: Vec<(&str, Vec<InputRole>)> = vec![
        ("no challenge", with(5, InputRole::Param { value: "1".into() })),
        ("no scope", with(3, InputRole::Param { value: "1".into() })),
        ("no nullifier", with(4, InputRole::Param { value: "1".into() })),
        ("no root", with(0, InputRole::Param { value: "1".into() })),
        ("two roots", with(6, InputRole::RevocationRoot)),
        ("two challenges", with(6, InputRole::Challenge)),
        ("two scopes", with(1, InputRole::Scope)),
        ("role count", age_roles(18, false)),
        ("cutoff of 0 years", age_roles(0, true)),
    ];
    for (what, roles) in cases {
        let msg = e.register_msg("bad", vk(BOUND_VK), roles, vec![e.issuer.did.clone()]);
        let err = e.exec(&rp, &msg).unwrap_err();
        assert_eq!(err.code(), "roles_invalid", "{what}: {err}");
    }
    // a param may not repeat either
    let mut roles = age_roles(18, true);
    roles[1] = InputRole::Param { value: "1".into() };
    roles[2] = InputRole::Param { value: "2".into() };
    let msg = e.register_msg("bad", vk(BOUND_VK), roles, vec![e.issuer.did.clone()]);
    assert_eq!(e.exec(&rp, &msg).unwrap_err().code(), "roles_invalid");
    // a root needs a trusted issuer
    let msg = e.register_msg("bad", vk(BOUND_VK), age_roles(18, true), vec![]);
    assert_eq!(e.exec(&rp, &msg).unwrap_err().code(), "roles_invalid");
    // a one-input circuit (nullifier only) cannot be a statement any more
    let msg = e.register_msg("bad", vk(ONE_VK), vec![InputRole::Nullifier], vec![e.issuer.did.clone()]);
    assert_eq!(e.exec(&rp, &msg).unwrap_err().code(), "roles_invalid");
}

#[test]
fn param_inputs_must_equal_the_registered_value() {
    let mut e = Env::new();
    let holder = e.holder.addr.clone();
    let today = publics(BOUND_PUBLIC_1)[2].clone();
    // today_days registered as a fixed param: the proof's value fits, another does not
    let mut roles = age_roles(18, true);
    roles[2] = InputRole::Param { value: today.clone() };
    e.register(BOUND, BOUND_VK, roles);
    e.anchor(&publics(BOUND_PUBLIC_1)[0]);
    assert!(e.dry_run(e.req("bound", 1), Some(&holder)).valid);
    let mut roles = age_roles(18, true);
    roles[2] = InputRole::Param { value: "1".into() };
    e.register(BOUND, BOUND_VK, roles);
    let err = refused(e.verify(&holder, e.req("bound", 1)), "param_mismatch");
    assert!(matches!(err, ContractError::ParamMismatch { index: 2, .. }));
}

#[test]
fn the_verification_key_query_returns_the_registered_key() {
    let e = Env::ready();
    let r: VerificationKeyResponse = e.q(&QueryMsg::VerificationKey { statement_id: BOUND.into(), version: None });
    assert_eq!((r.version, r.verification_key), (1, vk(BOUND_VK)), "the key exactly as registered");
    let r: VerificationKeyResponse = e.q(&QueryMsg::VerificationKey { statement_id: ANON.into(), version: Some(1) });
    assert_eq!(r.verification_key.n_public, 6);
    let missing: Result<VerificationKeyResponse, _> = e
        .app
        .wrap()
        .query_wasm_smart(e.verifier.clone(), &QueryMsg::VerificationKey { statement_id: BOUND.into(), version: Some(2) });
    assert!(missing.unwrap_err().to_string().contains("statement_unknown"));
}

#[test]
fn unknown_and_revoked_statements_are_rejected() {
    let mut e = Env::ready();
    let (holder, rp, eve) = (e.holder.addr.clone(), e.rp.addr.clone(), e.eve.addr.clone());
    let mut req = e.req("bound", 1);
    req.statement_id = "age-21".into();
    refused(e.verify(&holder, req), "statement_unknown");
    let mut req = e.req("bound", 1);
    req.version = Some(2);
    refused(e.verify(&holder, req), "statement_unknown");
    refused(e.exec(&eve, &ExecuteMsg::RevokeStatement { statement_id: BOUND.into(), version: Some(1) }), "sender_not_authorized");
    e.exec(&rp, &ExecuteMsg::RevokeStatement { statement_id: BOUND.into(), version: Some(1) }).unwrap();
    let err = refused(e.verify(&holder, e.req("bound", 1)), "statement_revoked");
    assert_eq!(err, ContractError::StatementRevoked { statement_id: BOUND.into(), version: 1 });
    let s: StatementResponse = e.q(&QueryMsg::Statement { statement_id: BOUND.into(), version: Some(1) });
    assert!(s.revoked_height.is_some());
}

#[test]
fn versions_are_immutable_and_addressable() {
    let mut e = Env::ready();
    let (holder, rp) = (e.holder.addr.clone(), e.rp.addr.clone());
    let v1: StatementResponse = e.q(&QueryMsg::Statement { statement_id: BOUND.into(), version: Some(1) });
    // version 2 reuses the id with another key: version 1 keeps its key and stays usable
    let msg = e.register_msg(BOUND, vk(ANON_VK), age_roles(18, false), vec![e.issuer.did.clone()]);
    let r = e.exec(&rp, &msg).unwrap();
    assert_eq!(attr(&r, "version"), "2");
    let v1_again: StatementResponse = e.q(&QueryMsg::Statement { statement_id: BOUND.into(), version: Some(1) });
    assert_eq!(v1.key_hash, v1_again.key_hash);
    assert_eq!(v1_again.latest_version, 2);
    let v2: StatementResponse = e.q(&QueryMsg::Statement { statement_id: BOUND.into(), version: None });
    assert_ne!(v2.key_hash, v1.key_hash);
    refused(e.verify(&holder, e.req("bound", 1)), "wrong_input_count");
    let mut req = e.req("bound", 1);
    req.version = Some(1);
    e.verify(&holder, req).unwrap();
    e.exec(&rp, &ExecuteMsg::RevokeStatement { statement_id: BOUND.into(), version: None }).unwrap();
    let mut req = e.req("bound", 2);
    req.version = Some(1);
    refused(e.verify(&holder, req), "statement_revoked");
}

#[test]
fn registration_needs_control_of_the_owner_did() {
    let mut e = Env::new();
    let (eve, rp) = (e.eve.addr.clone(), e.rp.addr.clone());
    let msg = e.register_msg(BOUND, vk(BOUND_VK), age_roles(18, true), vec![e.issuer.did.clone()]);
    refused(e.exec(&eve, &msg), "sender_not_authorized");
    e.exec(&rp, &msg).unwrap();
    let ExecuteMsg::RegisterStatement { statement_id, verification_key, roles, trusted_issuers, .. } = msg else { unreachable!() };
    let hijack = ExecuteMsg::RegisterStatement {
        statement_id,
        owner_did: e.eve.did.clone(),
        verification_key,
        roles,
        trusted_issuers,
        record_validity_secs: None,
        description: None,
    };
    refused(e.exec(&eve, &hijack), "statement_owned_by_other");
    let bad_id = e.register_msg("Age 18!", vk(BOUND_VK), age_roles(18, true), vec![e.issuer.did.clone()]);
    refused(e.exec(&rp, &bad_id), "malformed");
}

#[test]
fn deactivated_dids_are_refused() {
    let mut e = Env::ready();
    let holder = e.holder.clone();
    e.registry_exec(&holder.addr, &cw1056::msg::ExecuteMsg::ChangeOwner { identity: identity(&holder), new_owner: None });
    refused(e.verify(&holder.addr, e.req("bound", 1)), "did_deactivated");
    let mut e = Env::ready();
    let issuer = e.issuer.clone();
    e.registry_exec(&issuer.addr, &cw1056::msg::ExecuteMsg::ChangeOwner { identity: identity(&issuer), new_owner: None });
    refused(e.verify(&e.holder.addr.clone(), e.req("bound", 1)), "did_deactivated");
    refused(e.anchor_with("1", false), "did_deactivated");
    let mut e = Env::new();
    let rp = e.rp.clone();
    e.registry_exec(&rp.addr, &cw1056::msg::ExecuteMsg::ChangeOwner { identity: identity(&rp), new_owner: None });
    let msg = e.register_msg(BOUND, vk(BOUND_VK), age_roles(18, true), vec![e.issuer.did.clone()]);
    refused(e.exec(&rp.addr, &msg), "did_deactivated");
}

#[test]
fn instantiate_needs_a_cw1056_registry() {
    let mut app = App::default();
    let vc = app.store_code(verifier_contract());
    let err = app
        .instantiate_contract(
            vc,
            Addr::unchecked("admin"),
            &InstantiateMsg { registry: "nothing".into(), root_window_secs: 1, delegate_type: None, date_tolerance_days: None },
            &[],
            "zkvct",
            None,
        )
        .unwrap_err();
    assert!(err.root_cause().to_string().to_lowercase().contains("nothing") || err.to_string().contains("nothing"), "{err:?}");
}

#[test]
fn every_error_message_starts_with_its_code() {
    let spec = [
        "malformed", "wrong_input_count", "input_not_canonical", "proof_malformed", "proof_invalid",
        "statement_unknown", "statement_revoked", "issuer_not_trusted", "root_unknown", "root_retired",
        "root_expired", "root_not_current", "today_out_of_range", "cutoff_mismatch", "scope_mismatch",
        "challenge_mismatch", "request_expired", "nullifier_used", "proof_replayed", "holder_did_missing",
        "holder_did_mismatch", "sender_not_authorized", "authorization_invalid", "authorization_nonce",
    ];
    let s = || String::from("x");
    let errors = [
        ContractError::InvalidField { field: s(), reason: s() },
        ContractError::WrongInputCount { expected: 1, got: 2 },
        ContractError::InputNotCanonical(s()),
        ContractError::MalformedProof(s()),
        ContractError::ProofRejected,
        ContractError::UnknownStatement { statement_id: s(), version: None },
        ContractError::StatementRevoked { statement_id: s(), version: 1 },
        ContractError::UntrustedIssuer { issuer: s(), statement_id: s(), version: 1 },
        ContractError::UnknownRoot { root: s(), issuer: s() },
        ContractError::RootRetired { root: s(), issuer: s() },
        ContractError::StaleRoot { root: s(), issuer: s(), replaced_at: 1, window: 1, now: 3 },
        ContractError::RootNotCurrent { root: s(), issuer: s() },
        ContractError::StaleDate { role: s(), value: s(), block_day: 1, tolerance: 1 },
        ContractError::BadCutoff { value: s(), years: 1, expected: vec![] },
        ContractError::ScopeMismatch { value: s(), expected: s(), relying_party_did: s(), statement_id: s() },
        ContractError::ChallengeMismatch { value: s(), expected: s() },
        ContractError::RequestExpired { expires_at: 1, now: 2 },
        ContractError::NullifierUsed { nullifier: s(), statement_id: s(), height: 1 },
        ContractError::ProofReplayed { proof_hash: s(), height: 1 },
        ContractError::HolderDidRequired,
        ContractError::HolderDidMismatch { value: s(), did: s(), expected: s() },
        ContractError::SenderNotAuthorized(s()),
        ContractError::AuthorizationInvalid(s()),
        ContractError::AuthorizationNonce { got: 1, expected: 0 },
    ];
    for (code, err) in spec.iter().zip(errors.iter()) {
        assert_eq!(err.code(), *code, "{err}");
    }
}

#[test]
fn zkvct_prover_proofs_verify_and_share_the_nullifier() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    assert_eq!(publics(BOUND_PUBLIC_ZKVCT_1), publics(BOUND_PUBLIC_1));
    assert_ne!(proof(BOUND_PROOF_ZKVCT_1), proof(BOUND_PROOF_1), "fresh randomness, other proof bytes");
    let mut req = e.req("bound", 1);
    req.proof = proof(BOUND_PROOF_ZKVCT_1);
    e.verify(&holder, req).unwrap();
    refused(e.verify(&holder, e.req("bound", 1)), "nullifier_used");
}

#[test]
fn the_committed_schema_is_current() {
    for (name, json) in crate::schema::schema_files() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema").join(name);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == json,
            "{} is stale: run `cargo run -p zkvct-verifier --bin schema` in verifier_contract/ and commit it",
            path.display()
        );
    }
}
