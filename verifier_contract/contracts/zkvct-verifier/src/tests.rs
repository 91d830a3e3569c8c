//! Contract tests: the real CW1056 registry and the verifier, both running in cw-multi-test, with
//! keys and proofs made by snarkjs (fixtures/, see fixtures/make_fixtures.sh).
use ark_bn254::{Fq2, Fr as ArkFr, G1Affine, G2Affine};
use ark_ec::CurveGroup;
use ark_ff::{Field, PrimeField};
use cosmwasm_std::{Addr, Empty, Timestamp};
use cw_multi_test::{App, AppResponse, Contract, ContractWrapper, Executor};
use k256::ecdsa::SigningKey;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use zkvct_groth16::{decimal, SnarkjsProof, SnarkjsVerificationKey};

use crate::msg::*;
use crate::ContractError;

const AGE_VK: &str = include_str!("../../../fixtures/age6/verification_key.json");
const AGE_PROOF_1: &str = include_str!("../../../fixtures/age6/proof_1.json");
const AGE_PUBLIC_1: &str = include_str!("../../../fixtures/age6/public_1.json");
const AGE_PROOF_2: &str = include_str!("../../../fixtures/age6/proof_2.json");
const AGE_PUBLIC_2: &str = include_str!("../../../fixtures/age6/public_2.json");
const AGE_META: &str = include_str!("../../../fixtures/age6/meta.json");
const AGE_PROOF_ZKVCT_1: &str = include_str!("../../../fixtures/age6/proof_zkvct_1.json");
const AGE_PUBLIC_ZKVCT_1: &str = include_str!("../../../fixtures/age6/public_zkvct_1.json");
const ONE_PROOF_ZKVCT_7: &str = include_str!("../../../fixtures/one_input/proof_zkvct_7.json");
const ONE_PUBLIC_ZKVCT_7: &str = include_str!("../../../fixtures/one_input/public_zkvct_7.json");
const ONE_VK: &str = include_str!("../../../fixtures/one_input/verification_key.json");
const ONE_PROOF_7: &str = include_str!("../../../fixtures/one_input/proof_7.json");
const ONE_PUBLIC_7: &str = include_str!("../../../fixtures/one_input/public_7.json");
const ONE_PROOF_8: &str = include_str!("../../../fixtures/one_input/proof_8.json");
const ONE_PUBLIC_8: &str = include_str!("../../../fixtures/one_input/public_8.json");

/// BN254 scalar field order r and base field order q.
const R: &str = "21888242871839275222246405745257275088548364400416034343698204186575808495617";
const Q: &str = "21888242871839275222246405745257275088696311157297823662689037894645226208583";

#[derive(Deserialize)]
struct KeyHex {
    sk: String,
}

#[derive(Deserialize)]
struct Meta {
    holder: KeyHex,
    issuer: KeyHex,
    holder_did: String,
    issuer_did: String,
    holder_did_hash: String,
    cutoff_years: u32,
    block_time_seconds: u64,
}

fn meta() -> Meta {
    serde_json::from_str(AGE_META).unwrap()
}

#[derive(Clone)]
struct Who {
    did: String,
    addr: Addr,
}

fn who_from_sk(sk_hex: &str) -> Who {
    let sk = SigningKey::from_slice(&cw1056::address::decode_hex(sk_hex).unwrap()).unwrap();
    let pk = sk.verifying_key().to_encoded_point(true);
    let hex: String = pk.as_bytes().iter().map(|b| format!("{b:02x}")).collect();
    Who { did: format!("did:shr:{hex}"), addr: Addr::unchecked(cw1056::address::pubkey_address("shareledger", pk.as_bytes())) }
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

fn age_roles(years: u32) -> Vec<InputRole> {
    vec![
        InputRole::IssuerRoot,
        InputRole::CutoffDays { years },
        InputRole::TodayDays,
        InputRole::Scope,
        InputRole::Nullifier,
        InputRole::HolderDidHash,
    ]
}

impl Env {
    fn new() -> Env {
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
                    root_window_secs: WINDOW,
                    delegate_type: None,
                    date_tolerance_days: None,
                },
                &[],
                "zkvct",
                None,
            )
            .unwrap();
        Env {
            app,
            registry,
            verifier,
            holder: who_from_sk(&meta.holder.sk),
            issuer: who_from_sk(&meta.issuer.sk),
            rp: who("relying party"),
            eve: who("eve"),
            meta,
        }
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

    fn register_age(&mut self) {
        let msg = self.register_msg("age-18", vk(AGE_VK), age_roles(self.meta.cutoff_years), vec![self.issuer.did.clone()]);
        let rp = self.rp.addr.clone();
        self.exec(&rp, &msg).unwrap();
    }

    fn anchor(&mut self, root: &str) {
        let (issuer, did) = (self.issuer.addr.clone(), self.issuer.did.clone());
        self.exec(&issuer, &ExecuteMsg::AnchorRoot { issuer_did: did, root: root.into() }).unwrap();
    }

    /// Registered age statement + the fixture's root anchored.
    fn ready() -> Env {
        let mut e = Env::new();
        e.register_age();
        let root = publics(AGE_PUBLIC_1)[0].clone();
        e.anchor(&root);
        e
    }

    fn age_request(&self, p: &str, public: &str) -> VerifyRequest {
        VerifyRequest {
            statement_id: "age-18".into(),
            version: None,
            proof: proof(p),
            public_inputs: publics(public),
            issuer_did: Some(self.issuer.did.clone()),
            holder_did: Some(self.holder.did.clone()),
            challenge: None,
        }
    }

    fn verify(&mut self, sender: &Addr, req: VerifyRequest) -> Result<AppResponse, ContractError> {
        self.exec(sender, &ExecuteMsg::Verify(req))
    }

    fn dry_run(&self, req: VerifyRequest, sender: Option<&Addr>) -> VerifyResponse {
        self.q(&QueryMsg::Verify { request: req, sender: sender.map(|a| a.to_string()) })
    }

    fn nullifier_used(&self, public: &str) -> bool {
        let p = publics(public);
        let r: NullifierResponse = self.q(&QueryMsg::Nullifier {
            statement_id: "age-18".into(),
            scope: Some(p[3].clone()),
            nullifier: p[4].clone(),
        });
        r.used
    }

    fn advance(&mut self, secs: u64) {
        self.app.update_block(|b| {
            b.time = b.time.plus_seconds(secs);
            b.height += 1;
        });
    }
}

fn attr(r: &AppResponse, k: &str) -> String {
    r.events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == k)
        .map(|a| a.value.clone())
        .unwrap_or_else(|| panic!("no attribute {k}"))
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

// ---- the accepted path ----

#[test]
fn valid_proof_verifies_records_nullifier_and_zkvct() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    assert!(e.dry_run(e.age_request(AGE_PROOF_1, AGE_PUBLIC_1), Some(&holder)).valid);
    assert!(!e.nullifier_used(AGE_PUBLIC_1), "a dry run changes nothing");
    let r = e.verify(&holder, e.age_request(AGE_PROOF_1, AGE_PUBLIC_1)).unwrap();
    assert_eq!(attr(&r, "action"), "verify_zkvct");
    assert_eq!(attr(&r, "holder_did"), e.holder.did);
    assert_eq!(attr(&r, "nullifier"), publics(AGE_PUBLIC_1)[4]);
    assert!(e.nullifier_used(AGE_PUBLIC_1));
    let z: ZkvctResponse = e.q(&QueryMsg::Zkvct { holder_did: e.holder.did.clone(), statement_id: "age-18".into() });
    assert!(z.valid);
    let rec = z.record.unwrap();
    assert_eq!(rec.version, 1);
    assert_eq!(rec.issuer_did.as_deref(), Some(e.issuer.did.as_str()));
    assert_eq!(rec.valid_until, Some(e.meta.block_time_seconds + 86_400 * 365));
    let all: ZkvctsResponse = e.q(&QueryMsg::Zkvcts { holder_did: e.holder.did.clone() });
    assert_eq!(all.records.len(), 1);
    // a second credential of the same holder (another leaf, so another root) has its own nullifier
    e.anchor(&publics(AGE_PUBLIC_2)[0]);
    e.verify(&holder, e.age_request(AGE_PROOF_2, AGE_PUBLIC_2)).unwrap();
    // the record expires with its validity
    e.advance(86_400 * 365);
    let z: ZkvctResponse = e.q(&QueryMsg::Zkvct { holder_did: e.holder.did.clone(), statement_id: "age-18".into() });
    assert!(!z.valid);
}

#[test]
fn did_hash_matches_the_fixture_and_its_definition() {
    let e = Env::new();
    let r: DidHashResponse = e.q(&QueryMsg::DidHash { did: e.meta.holder_did.clone() });
    assert_eq!(r.hash, e.meta.holder_did_hash);
    assert_eq!(publics(AGE_PUBLIC_1)[5], e.meta.holder_did_hash);
    // upper case and 0x are normalized to the canonical DID before hashing
    let loud = format!("did:shr:0x{}", identity(&e.holder).to_uppercase());
    let r2: DidHashResponse = e.q(&QueryMsg::DidHash { did: loud });
    assert_eq!((r2.did, r2.hash), (e.meta.holder_did.clone(), e.meta.holder_did_hash.clone()));
    assert_eq!(e.meta.issuer_did, e.issuer.did);
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
    e.verify(&friend.addr, e.age_request(AGE_PROOF_1, AGE_PUBLIC_1)).unwrap();
}

// ---- every rejection path of the issue ----

#[test]
fn replayed_and_rerandomized_proofs_hit_the_nullifier() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    e.verify(&holder, e.age_request(AGE_PROOF_1, AGE_PUBLIC_1)).unwrap();
    let err = e.verify(&holder, e.age_request(AGE_PROOF_1, AGE_PUBLIC_1)).unwrap_err();
    assert!(matches!(err, ContractError::NullifierUsed { .. }), "{err}");
    // a re-randomized proof has other bytes but the same statement: it is still a replay
    let mut req = e.age_request(AGE_PROOF_1, AGE_PUBLIC_1);
    req.proof = rerandomized(&req.proof);
    assert_ne!(req.proof, proof(AGE_PROOF_1));
    let err = e.verify(&holder, req.clone()).unwrap_err();
    assert!(matches!(err, ContractError::NullifierUsed { .. }), "{err}");
    let d = e.dry_run(req, Some(&holder));
    assert!(!d.valid && d.reason.unwrap().contains("already used"));
}

#[test]
fn rerandomized_proof_is_valid_groth16() {
    // the malleability the nullifier defends against is real: the mauled proof passes the pairing
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    let mut req = e.age_request(AGE_PROOF_1, AGE_PUBLIC_1);
    req.proof = rerandomized(&req.proof);
    e.verify(&holder, req).unwrap();
}

#[test]
fn tampered_proof_is_rejected_and_changes_nothing() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    let mut req = e.age_request(AGE_PROOF_1, AGE_PUBLIC_1);
    // a valid curve point from another proof: parses, fails the pairing
    req.proof.pi_a = proof(AGE_PROOF_2).pi_a;
    let err = e.verify(&holder, req.clone()).unwrap_err();
    assert_eq!(err, ContractError::ProofRejected);
    assert!(!e.nullifier_used(AGE_PUBLIC_1), "a failed verification records nothing");
    let z: ZkvctResponse = e.q(&QueryMsg::Zkvct { holder_did: e.holder.did.clone(), statement_id: "age-18".into() });
    assert!(z.record.is_none());
    let d = e.dry_run(req, Some(&holder));
    assert!(!d.valid);
    // a proof for other public inputs (proof 2 with the inputs of proof 1)
    let err = e.verify(&holder, e.age_request(AGE_PROOF_2, AGE_PUBLIC_1)).unwrap_err();
    assert_eq!(err, ContractError::ProofRejected);
    // the untouched proof still goes through afterwards
    e.verify(&holder, e.age_request(AGE_PROOF_1, AGE_PUBLIC_1)).unwrap();
}

#[test]
fn inputs_at_or_above_r_are_rejected() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    for i in [0usize, 4, 5] {
        let mut req = e.age_request(AGE_PROOF_1, AGE_PUBLIC_1);
        // x + r is the same field element as x: accepting it would fork nullifiers and roots
        req.public_inputs[i] = add_decimal(&req.public_inputs[i], R);
        let err = e.verify(&holder, req).unwrap_err();
        assert!(matches!(err, ContractError::InputNotCanonical(_)), "input {i}: {err}");
    }
    let mut req = e.age_request(AGE_PROOF_1, AGE_PUBLIC_1);
    req.public_inputs[3] = R.into();
    assert!(matches!(e.verify(&holder, req).unwrap_err(), ContractError::InputNotCanonical(_)));
    for bad in ["", "-1", "0x10", "007", "1e3", " 5"] {
        let mut req = e.age_request(AGE_PROOF_1, AGE_PUBLIC_1);
        req.public_inputs[3] = bad.into();
        assert!(matches!(e.verify(&holder, req).unwrap_err(), ContractError::InputNotCanonical(_)), "{bad:?}");
    }
}

#[test]
fn malformed_proof_points_are_rejected() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    let base = e.age_request(AGE_PROOF_1, AGE_PUBLIC_1);
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
        assert!(matches!(err, ContractError::MalformedProof(_)), "{what}: {err}");
    }
    assert!(!e.nullifier_used(AGE_PUBLIC_1));
}

#[test]
fn wrong_input_count_is_rejected() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    let mut req = e.age_request(AGE_PROOF_1, AGE_PUBLIC_1);
    req.public_inputs.pop();
    assert_eq!(e.verify(&holder, req.clone()).unwrap_err(), ContractError::WrongInputCount { expected: 6, got: 5 });
    req.public_inputs = publics(AGE_PUBLIC_1);
    req.public_inputs.push("1".into());
    assert_eq!(e.verify(&holder, req).unwrap_err(), ContractError::WrongInputCount { expected: 6, got: 7 });
}

#[test]
fn invalid_keys_are_rejected_at_registration() {
    let mut e = Env::new();
    let rp = e.rp.addr.clone();
    let good = vk(AGE_VK);
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
    k.n_public = 7;
    cases.push(("nPublic disagrees with IC", k));
    let mut k = good.clone();
    k.ic[2] = vec!["0".into(), "1".into(), "0".into()];
    cases.push(("IC point at infinity", k));
    let mut k = good.clone();
    k.curve = "bls12381".into();
    cases.push(("other curve", k));
    for (what, key) in cases {
        let msg = e.register_msg("bad", key, age_roles(18), vec![e.issuer.did.clone()]);
        let err = e.exec(&rp, &msg).unwrap_err();
        assert!(matches!(err, ContractError::InvalidKey(_)), "{what}: {err}");
    }
    // roles must fit the key
    let role_cases = vec![
        age_roles(18)[..5].to_vec(),
        vec![InputRole::Nullifier, InputRole::Nullifier, InputRole::TodayDays, InputRole::Scope, InputRole::IssuerRoot, InputRole::HolderDidHash],
        age_roles(0),
        vec![InputRole::IssuerRoot, InputRole::CutoffDays { years: 18 }, InputRole::TodayDays, InputRole::Scope, InputRole::Challenge, InputRole::HolderDidHash],
    ];
    for roles in role_cases {
        let msg = e.register_msg("bad", vk(AGE_VK), roles.clone(), vec![e.issuer.did.clone()]);
        let err = e.exec(&rp, &msg).unwrap_err();
        assert!(matches!(err, ContractError::InvalidRoles(_)), "{roles:?}: {err}");
    }
    let msg = e.register_msg("bad", vk(AGE_VK), age_roles(18), vec![]);
    assert!(matches!(e.exec(&rp, &msg).unwrap_err(), ContractError::InvalidRoles(_)));
    let s: Result<StatementResponse, _> =
        e.app.wrap().query_wasm_smart(e.verifier.clone(), &QueryMsg::Statement { statement_id: "bad".into(), version: None });
    assert!(s.is_err(), "nothing was registered");
}

#[test]
fn unknown_and_revoked_statements_are_rejected() {
    let mut e = Env::ready();
    let (holder, rp, eve) = (e.holder.addr.clone(), e.rp.addr.clone(), e.eve.addr.clone());
    let mut req = e.age_request(AGE_PROOF_1, AGE_PUBLIC_1);
    req.statement_id = "age-21".into();
    assert!(matches!(e.verify(&holder, req).unwrap_err(), ContractError::UnknownStatement { .. }));
    let mut req = e.age_request(AGE_PROOF_1, AGE_PUBLIC_1);
    req.version = Some(2);
    assert!(matches!(e.verify(&holder, req).unwrap_err(), ContractError::UnknownStatement { .. }));
    // only the statement's controller may revoke
    let err = e.exec(&eve, &ExecuteMsg::RevokeStatement { statement_id: "age-18".into(), version: Some(1) }).unwrap_err();
    assert!(matches!(err, ContractError::NotController { .. }), "{err}");
    e.exec(&rp, &ExecuteMsg::RevokeStatement { statement_id: "age-18".into(), version: Some(1) }).unwrap();
    let err = e.verify(&holder, e.age_request(AGE_PROOF_1, AGE_PUBLIC_1)).unwrap_err();
    assert_eq!(err, ContractError::StatementRevoked { statement_id: "age-18".into(), version: 1 });
    let s: StatementResponse = e.q(&QueryMsg::Statement { statement_id: "age-18".into(), version: Some(1) });
    assert!(s.revoked_height.is_some());
}

#[test]
fn versions_are_immutable_and_addressable() {
    let mut e = Env::ready();
    let (holder, rp) = (e.holder.addr.clone(), e.rp.addr.clone());
    let v1: StatementResponse = e.q(&QueryMsg::Statement { statement_id: "age-18".into(), version: Some(1) });
    // version 2 reuses the id with another key: version 1 keeps its key and stays usable
    let msg = e.register_msg("age-18", vk(ONE_VK), vec![InputRole::Nullifier], vec![]);
    let r = e.exec(&rp, &msg).unwrap();
    assert_eq!(attr(&r, "version"), "2");
    let v1_again: StatementResponse = e.q(&QueryMsg::Statement { statement_id: "age-18".into(), version: Some(1) });
    assert_eq!(v1.key_hash, v1_again.key_hash);
    assert_eq!(v1_again.latest_version, 2);
    let v2: StatementResponse = e.q(&QueryMsg::Statement { statement_id: "age-18".into(), version: None });
    assert_ne!(v2.key_hash, v1.key_hash);
    // the latest version is the default: the 6-input proof no longer fits it
    let err = e.verify(&holder, e.age_request(AGE_PROOF_1, AGE_PUBLIC_1)).unwrap_err();
    assert!(matches!(err, ContractError::WrongInputCount { .. }));
    let mut req = e.age_request(AGE_PROOF_1, AGE_PUBLIC_1);
    req.version = Some(1);
    e.verify(&holder, req).unwrap();
    // revoking without a version revokes them all
    e.exec(&rp, &ExecuteMsg::RevokeStatement { statement_id: "age-18".into(), version: None }).unwrap();
    let mut req = e.age_request(AGE_PROOF_2, AGE_PUBLIC_2);
    req.version = Some(1);
    assert!(matches!(e.verify(&holder, req).unwrap_err(), ContractError::StatementRevoked { .. }));
}

#[test]
fn untrusted_issuer_and_unknown_root_are_rejected() {
    let mut e = Env::new();
    e.register_age();
    let holder = e.holder.addr.clone();
    // root not anchored yet
    let err = e.verify(&holder, e.age_request(AGE_PROOF_1, AGE_PUBLIC_1)).unwrap_err();
    assert!(matches!(err, ContractError::UnknownRoot { .. }), "{err}");
    // eve anchors the very same root under her own DID: the statement does not trust her
    let (eve, eve_did) = (e.eve.addr.clone(), e.eve.did.clone());
    let root = publics(AGE_PUBLIC_1)[0].clone();
    e.exec(&eve, &ExecuteMsg::AnchorRoot { issuer_did: eve_did.clone(), root: root.clone() }).unwrap();
    let mut req = e.age_request(AGE_PROOF_1, AGE_PUBLIC_1);
    req.issuer_did = Some(eve_did);
    assert!(matches!(e.verify(&holder, req).unwrap_err(), ContractError::UntrustedIssuer { .. }));
    // nor can eve anchor a root for the trusted issuer
    let err = e.exec(&eve, &ExecuteMsg::AnchorRoot { issuer_did: e.issuer.did.clone(), root: root.clone() }).unwrap_err();
    assert!(matches!(err, ContractError::NotController { .. }), "{err}");
    let mut req = e.age_request(AGE_PROOF_1, AGE_PUBLIC_1);
    req.issuer_did = None;
    assert_eq!(e.verify(&holder, req).unwrap_err(), ContractError::IssuerRequired);
}

#[test]
fn replaced_roots_are_accepted_only_within_the_window() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    let root = publics(AGE_PUBLIC_1)[0].clone();
    // the issuer's tree changed: proof 2's root is current, proof 1's root was replaced now
    e.anchor(&publics(AGE_PUBLIC_2)[0]);
    let r: RootResponse = e.q(&QueryMsg::IssuerRoot { issuer_did: e.issuer.did.clone(), root: root.clone() });
    assert!(r.acceptable && r.replaced_at.is_some());
    e.advance(WINDOW);
    assert!(e.dry_run(e.age_request(AGE_PROOF_1, AGE_PUBLIC_1), Some(&holder)).valid);
    e.advance(1);
    let err = e.verify(&holder, e.age_request(AGE_PROOF_1, AGE_PUBLIC_1)).unwrap_err();
    assert!(matches!(err, ContractError::StaleRoot { .. }), "{err}");
    let r: RootResponse = e.q(&QueryMsg::IssuerRoot { issuer_did: e.issuer.did.clone(), root: root.clone() });
    assert!(r.anchored && !r.acceptable);
    // the current root is unaffected
    e.verify(&holder, e.age_request(AGE_PROOF_2, AGE_PUBLIC_2)).unwrap();
    // anchoring the old root again makes it current
    e.anchor(&root);
    e.verify(&holder, e.age_request(AGE_PROOF_1, AGE_PUBLIC_1)).unwrap();
}

#[test]
fn dates_must_match_block_time() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    // the fixture's today is the block date; ±1 day is tolerated
    e.advance(86_400);
    assert!(e.dry_run(e.age_request(AGE_PROOF_1, AGE_PUBLIC_1), Some(&holder)).valid);
    e.advance(86_400);
    let err = e.verify(&holder, e.age_request(AGE_PROOF_1, AGE_PUBLIC_1)).unwrap_err();
    assert!(matches!(err, ContractError::StaleDate { .. }), "{err}");
    let mut e = Env::ready();
    e.app.update_block(|b| b.time = b.time.minus_seconds(2 * 86_400));
    let err = e.verify(&holder, e.age_request(AGE_PROOF_1, AGE_PUBLIC_1)).unwrap_err();
    assert!(matches!(err, ContractError::StaleDate { .. }), "{err}");
}

#[test]
fn cutoff_must_be_the_registered_number_of_years_back() {
    let mut e = Env::new();
    let (rp, holder) = (e.rp.addr.clone(), e.holder.addr.clone());
    // the same circuit registered as "age >= 21": the proof's cutoff (18 years) does not fit
    let msg = ExecuteMsg::RegisterStatement {
        statement_id: "age-18".into(),
        owner_did: e.rp.did.clone(),
        verification_key: vk(AGE_VK),
        roles: age_roles(21),
        trusted_issuers: vec![e.issuer.did.clone()],
        record_validity_secs: None,
        description: None,
    };
    e.exec(&rp, &msg).unwrap();
    e.anchor(&publics(AGE_PUBLIC_1)[0]);
    let err = e.verify(&holder, e.age_request(AGE_PROOF_1, AGE_PUBLIC_1)).unwrap_err();
    assert!(matches!(err, ContractError::BadCutoff { years: 21, .. }), "{err}");
}

#[test]
fn holder_must_be_controlled_by_the_sender() {
    let mut e = Env::ready();
    let (holder, eve) = (e.holder.addr.clone(), e.eve.addr.clone());
    // eve submits the holder's proof as her own transaction
    let err = e.verify(&eve, e.age_request(AGE_PROOF_1, AGE_PUBLIC_1)).unwrap_err();
    assert!(matches!(err, ContractError::NotController { .. }), "{err}");
    // eve names her own DID: the hash in the proof is the holder's
    let mut req = e.age_request(AGE_PROOF_1, AGE_PUBLIC_1);
    req.holder_did = Some(e.eve.did.clone());
    assert!(matches!(e.verify(&eve, req).unwrap_err(), ContractError::HolderDidMismatch { .. }));
    let mut req = e.age_request(AGE_PROOF_1, AGE_PUBLIC_1);
    req.holder_did = None;
    assert_eq!(e.verify(&holder, req).unwrap_err(), ContractError::HolderDidRequired);
    let mut req = e.age_request(AGE_PROOF_1, AGE_PUBLIC_1);
    req.holder_did = Some("did:ethr:0x1234".into());
    assert!(matches!(e.verify(&holder, req).unwrap_err(), ContractError::InvalidDid { .. }));
    // a dry run without a sender cannot check the binding
    let d = e.dry_run(e.age_request(AGE_PROOF_1, AGE_PUBLIC_1), None);
    assert!(!d.valid && d.reason.unwrap().contains("sender"));
    // an expired delegate no longer counts
    let friend = who("friend");
    e.registry_exec(&holder, &cw1056::msg::ExecuteMsg::AddDelegate {
        identity: identity(&e.holder),
        delegate_type: "sigAuth".into(),
        delegate: friend.addr.to_string(),
        validity: 10,
    });
    e.advance(10);
    assert!(matches!(e.verify(&friend.addr, e.age_request(AGE_PROOF_1, AGE_PUBLIC_1)).unwrap_err(), ContractError::NotController { .. }));
    // after the holder hands the DID to a new owner, the old key no longer controls it
    let new_owner = who("new owner");
    e.registry_exec(&holder, &cw1056::msg::ExecuteMsg::ChangeOwner {
        identity: identity(&e.holder),
        new_owner: Some(new_owner.addr.to_string()),
    });
    assert!(matches!(e.verify(&holder, e.age_request(AGE_PROOF_1, AGE_PUBLIC_1)).unwrap_err(), ContractError::NotController { .. }));
    e.verify(&new_owner.addr, e.age_request(AGE_PROOF_1, AGE_PUBLIC_1)).unwrap();
}

#[test]
fn registration_needs_control_of_the_owner_did() {
    let mut e = Env::new();
    let (eve, rp) = (e.eve.addr.clone(), e.rp.addr.clone());
    let msg = e.register_msg("age-18", vk(AGE_VK), age_roles(18), vec![e.issuer.did.clone()]);
    let err = e.exec(&eve, &msg).unwrap_err();
    assert!(matches!(err, ContractError::NotController { .. }), "{err}");
    e.exec(&rp, &msg).unwrap();
    // eve cannot add versions to someone else's statement id, even under her own DID
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
    assert!(matches!(e.exec(&eve, &hijack).unwrap_err(), ContractError::StatementOwnedByOther { .. }));
    let bad_id = e.register_msg("Age 18!", vk(AGE_VK), age_roles(18), vec![e.issuer.did.clone()]);
    assert!(matches!(e.exec(&rp, &bad_id).unwrap_err(), ContractError::InvalidField { .. }));
}

#[test]
fn deactivated_dids_are_refused() {
    // holder deactivated
    let mut e = Env::ready();
    let holder = e.holder.clone();
    e.registry_exec(&holder.addr, &cw1056::msg::ExecuteMsg::ChangeOwner { identity: identity(&holder), new_owner: None });
    let err = e.verify(&holder.addr, e.age_request(AGE_PROOF_1, AGE_PUBLIC_1)).unwrap_err();
    assert!(matches!(err, ContractError::DidDeactivated { .. }), "{err}");
    // issuer deactivated: its roots are no longer trusted
    let mut e = Env::ready();
    let issuer = e.issuer.clone();
    e.registry_exec(&issuer.addr, &cw1056::msg::ExecuteMsg::ChangeOwner { identity: identity(&issuer), new_owner: None });
    let err = e.verify(&e.holder.addr.clone(), e.age_request(AGE_PROOF_1, AGE_PUBLIC_1)).unwrap_err();
    assert!(matches!(err, ContractError::DidDeactivated { .. }), "{err}");
    let err = e.exec(&issuer.addr, &ExecuteMsg::AnchorRoot { issuer_did: issuer.did.clone(), root: "1".into() }).unwrap_err();
    assert!(matches!(err, ContractError::DidDeactivated { .. }), "{err}");
    // statement owner deactivated: no registration, no revocation
    let mut e = Env::new();
    let rp = e.rp.clone();
    e.registry_exec(&rp.addr, &cw1056::msg::ExecuteMsg::ChangeOwner { identity: identity(&rp), new_owner: None });
    let msg = e.register_msg("age-18", vk(AGE_VK), age_roles(18), vec![e.issuer.did.clone()]);
    assert!(matches!(e.exec(&rp.addr, &msg).unwrap_err(), ContractError::DidDeactivated { .. }));
}

// ---- one public input: default scope, param and challenge roles ----

fn one_request(p: &str, public: &str) -> VerifyRequest {
    VerifyRequest {
        statement_id: "one".into(),
        version: None,
        proof: proof(p),
        public_inputs: publics(public),
        issuer_did: None,
        holder_did: None,
        challenge: None,
    }
}

fn register_one(e: &mut Env, role: InputRole) {
    let rp = e.rp.addr.clone();
    let msg = e.register_msg("one", vk(ONE_VK), vec![role], vec![]);
    e.exec(&rp, &msg).unwrap();
}

#[test]
fn one_input_nullifier_uses_the_statement_as_scope() {
    let mut e = Env::new();
    register_one(&mut e, InputRole::Nullifier);
    let anyone = e.eve.addr.clone();
    let r = e.verify(&anyone, one_request(ONE_PROOF_7, ONE_PUBLIC_7)).unwrap();
    assert!(r.events.iter().all(|ev| ev.attributes.iter().all(|a| a.key != "holder_did")), "no holder, no record");
    let n: NullifierResponse = e.q(&QueryMsg::Nullifier {
        statement_id: "one".into(),
        scope: None,
        nullifier: publics(ONE_PUBLIC_7)[0].clone(),
    });
    assert!(n.used);
    assert!(matches!(e.verify(&anyone, one_request(ONE_PROOF_7, ONE_PUBLIC_7)).unwrap_err(), ContractError::NullifierUsed { .. }));
    e.verify(&anyone, one_request(ONE_PROOF_8, ONE_PUBLIC_8)).unwrap();
}

#[test]
fn param_inputs_must_equal_the_registered_value() {
    let mut e = Env::new();
    register_one(&mut e, InputRole::Param { value: publics(ONE_PUBLIC_7)[0].clone() });
    let anyone = e.eve.addr.clone();
    e.verify(&anyone, one_request(ONE_PROOF_7, ONE_PUBLIC_7)).unwrap();
    // params record nothing: the same proof passes again
    e.verify(&anyone, one_request(ONE_PROOF_7, ONE_PUBLIC_7)).unwrap();
    let err = e.verify(&anyone, one_request(ONE_PROOF_8, ONE_PUBLIC_8)).unwrap_err();
    assert!(matches!(err, ContractError::ParamMismatch { index: 0, .. }), "{err}");
}

#[test]
fn challenge_inputs_must_equal_the_expected_challenge() {
    let mut e = Env::new();
    register_one(&mut e, InputRole::Challenge);
    let anyone = e.eve.addr.clone();
    let mut req = one_request(ONE_PROOF_7, ONE_PUBLIC_7);
    req.challenge = Some(publics(ONE_PUBLIC_8)[0].clone());
    assert!(matches!(e.verify(&anyone, req.clone()).unwrap_err(), ContractError::ChallengeMismatch { .. }));
    req.challenge = Some(publics(ONE_PUBLIC_7)[0].clone());
    e.verify(&anyone, req).unwrap();
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

// ---- proofs made by zkvct's own prover (same zkey and witness as the snarkjs ones) ----

#[test]
fn zkvct_prover_proofs_verify_and_share_the_nullifier() {
    let mut e = Env::ready();
    let holder = e.holder.addr.clone();
    assert_eq!(publics(AGE_PUBLIC_ZKVCT_1), publics(AGE_PUBLIC_1));
    assert_ne!(proof(AGE_PROOF_ZKVCT_1), proof(AGE_PROOF_1), "fresh randomness, other proof bytes");
    e.verify(&holder, e.age_request(AGE_PROOF_ZKVCT_1, AGE_PUBLIC_ZKVCT_1)).unwrap();
    // the snarkjs proof of the same credential in the same scope is now a replay
    let err = e.verify(&holder, e.age_request(AGE_PROOF_1, AGE_PUBLIC_1)).unwrap_err();
    assert!(matches!(err, ContractError::NullifierUsed { .. }), "{err}");

    let mut e = Env::new();
    register_one(&mut e, InputRole::Nullifier);
    let anyone = e.eve.addr.clone();
    e.verify(&anyone, one_request(ONE_PROOF_ZKVCT_7, ONE_PUBLIC_ZKVCT_7)).unwrap();
}
