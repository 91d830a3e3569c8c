// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// The verifier contracts written by `zkvct zkey export solidityverifier`.
interface IZkvctVerifier {
    function N_PUBLIC() external view returns (uint256);

    /// 0 valid, 1 wrong_input_count, 2 input_not_canonical, 3 proof_malformed, 4 proof_invalid
    function check(uint256[8] calldata proof, uint256[] calldata pubSignals) external view returns (uint256);
}

/// @title zkVCT registry for EVM chains (protocol v2, docs/protocol.md; differences: docs/evm.md)
/// @notice The EVM twin of the CosmWasm zkvct-verifier on ShareLedger: statements with versioned
/// keys (one verifier contract per version) and public-input roles, issuer roots, per-statement
/// nullifiers, the derived scope and challenge, and records keyed by the holder's did:shr hash.
/// ShareLedger stays the source of truth: statements and roots are written here only by relayers
/// (`zkvct mirror sync`), which copy them from the CosmWasm contract.
contract ZkvctRegistry {
    /// Every refusal: `reason` is the protocol's reason code (the CosmWasm contract's `code`).
    error Refused(string reason);

    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant H253 = (1 << 253) - 1;
    /// 1900-01-01 in Howard Hinnant's day count from 0000-03-01 (days_from_civil + 719468).
    uint256 internal constant DAY0_1900 = 693901;
    uint256 internal constant DAYS_1900_TO_1970 = 25567;
    uint256 internal constant NONE = 15;

    // role kinds (registerStatement)
    uint8 public constant ROLE_ISSUER_ROOT = 1;
    uint8 public constant ROLE_REVOCATION_ROOT = 2;
    uint8 public constant ROLE_CUTOFF_DAYS = 3;
    uint8 public constant ROLE_TODAY_DAYS = 4;
    uint8 public constant ROLE_SCOPE = 5;
    uint8 public constant ROLE_NULLIFIER = 6;
    uint8 public constant ROLE_CHALLENGE = 7;
    uint8 public constant ROLE_HOLDER_DID_HASH = 8;
    uint8 public constant ROLE_PARAM = 9;

    // reason codes, in the order of docs/protocol.md's table (index = uint8 code; 0 = accepted)
    uint8 internal constant OK = 0;
    uint8 internal constant MALFORMED = 1;
    uint8 internal constant WRONG_INPUT_COUNT = 2;
    uint8 internal constant INPUT_NOT_CANONICAL = 3;
    uint8 internal constant PROOF_MALFORMED = 4;
    uint8 internal constant PROOF_INVALID = 5;
    uint8 internal constant STATEMENT_UNKNOWN = 6;
    uint8 internal constant STATEMENT_REVOKED = 7;
    uint8 internal constant ISSUER_NOT_TRUSTED = 8;
    uint8 internal constant ROOT_UNKNOWN = 9;
    uint8 internal constant ROOT_RETIRED = 10;
    uint8 internal constant ROOT_EXPIRED = 11;
    uint8 internal constant ROOT_NOT_CURRENT = 12;
    uint8 internal constant TODAY_OUT_OF_RANGE = 13;
    uint8 internal constant CUTOFF_MISMATCH = 14;
    uint8 internal constant SCOPE_MISMATCH = 15;
    uint8 internal constant CHALLENGE_MISMATCH = 16;
    uint8 internal constant REQUEST_EXPIRED = 17;
    uint8 internal constant NULLIFIER_USED = 18;
    uint8 internal constant PROOF_REPLAYED = 19;
    uint8 internal constant HOLDER_DID_MISSING = 20;
    uint8 internal constant HOLDER_DID_MISMATCH = 21;
    uint8 internal constant PARAM_MISMATCH = 22;
    uint8 internal constant SENDER_NOT_AUTHORIZED = 23;

    struct Role {
        uint8 kind;
        uint16 nYears; // cutoff_days
        uint256 value; // param
    }

    /// A verification request (docs/protocol.md "Verify"). DIDs in canonical form
    /// (`did:shr:` + 66 lower-case hex digits): they are hashed as given.
    struct Presentation {
        string statementId;
        uint32 version; // 0: the latest
        uint256[8] proof; // A.x, A.y, B.x.c1, B.x.c0, B.y.c1, B.y.c0, C.x, C.y
        uint256[] publicInputs;
        string issuerDid;
        string relyingPartyDid;
        string requestId;
        string nonce;
        uint64 expiresAt;
        string holderDid; // "" in unlinkable mode
    }

    /// What a successful check hands to the writes.
    struct Accepted {
        bytes32 statementKey;
        uint32 version;
        bytes32 nullifierKey;
        bytes32 proofHash;
        bytes32 holderHash; // 0 when unlinkable
        uint256 nullifier;
        uint32 recordValiditySecs;
        bytes32 issuerKey;
        bool trusted;
    }

    event RelayerSet(address indexed relayer, bool enabled);
    event StatementRegistered(bytes32 indexed statementKey, string statementId, uint32 version, address verifier, bytes32 keyHash);
    event StatementRevoked(bytes32 indexed statementKey, uint32 version);
    event RootAnchored(bytes32 indexed issuerKey, uint256 root, bool retirePrevious);
    event RootRetired(bytes32 indexed issuerKey, uint256 root);
    event Verified(
        bytes32 indexed statementKey, uint32 version, bytes32 indexed holderDidHash, bytes32 indexed issuerKey, uint256 nullifier,
        bytes32 proofHash
    );

    address public admin;
    uint64 public immutable rootWindowSecs;
    uint64 public immutable dateToleranceDays;
    mapping(address => bool) public isRelayer;

    /// statementKey = keccak256(statement id) => latest registered version (versions start at 1)
    mapping(bytes32 => uint32) public latestVersion;
    /// versionKey = keccak256(statementKey, version) => packed: verifier (bits 0-159), 10 nibbles
    /// (nPublic, then the input index of root, today, cutoff, scope, nullifier, challenge, holder,
    /// param; 15 = none), flags (bit 0 revoked, bit 1 revocation root, bit 2 registered),
    /// cutoff years (16 bits), record validity seconds (32 bits, 0 = no expiry): one storage read.
    mapping(bytes32 => uint256) internal versions;
    mapping(bytes32 => uint256) internal versionParam;
    mapping(bytes32 => bytes32) public versionKeyHash;
    /// versionKey => issuerKey => a copy of the version's packed word, written for each trusted
    /// issuer: the check reads configuration and trust in one storage read
    mapping(bytes32 => mapping(bytes32 => uint256)) internal trustedConfig;
    mapping(bytes32 => bytes32[]) internal versionIssuers;
    /// issuerKey = keccak256(issuer DID) => root => packed: anchoredAt (64), replacedAt (64), retired (bit 128)
    mapping(bytes32 => mapping(uint256 => uint256)) internal roots;
    mapping(bytes32 => uint256) public currentRoot;
    /// roots that are still acceptable (current, or replaced within the window and not retired)
    mapping(bytes32 => uint256[]) internal liveRootList;
    /// keccak256(statementKey, scope, nullifier) => the proof hash accepted with it
    mapping(bytes32 => bytes32) public nullifierProof;
    /// holder DID hash => statementKey => packed: version (32), verifiedAt (64), height (64), validUntil (64)
    /// (the issuer is in the Verified event: a second slot per record would cost 22,100 gas)
    mapping(bytes32 => mapping(bytes32 => uint256)) internal records;

    modifier onlyRelayer() {
        if (!isRelayer[msg.sender]) revert Refused("sender_not_authorized");
        _;
    }

    constructor(uint64 rootWindowSecs_, uint64 dateToleranceDays_) {
        admin = msg.sender;
        rootWindowSecs = rootWindowSecs_;
        dateToleranceDays = dateToleranceDays_;
        isRelayer[msg.sender] = true;
        emit RelayerSet(msg.sender, true);
    }

    // ---------------------------------------------------------------- administration

    function setRelayer(address relayer, bool enabled) external {
        if (msg.sender != admin) revert Refused("sender_not_authorized");
        isRelayer[relayer] = enabled;
        emit RelayerSet(relayer, enabled);
    }

    function transferAdmin(address newAdmin) external {
        if (msg.sender != admin) revert Refused("sender_not_authorized");
        admin = newAdmin;
    }

    // ---------------------------------------------------------------- statements (mirrored)

    function statementKey(string calldata statementId) public pure returns (bytes32) {
        return keccak256(bytes(statementId));
    }

    function _versionKey(bytes32 sk, uint32 version) internal pure returns (bytes32) {
        return keccak256(abi.encode(sk, version));
    }

    /// Register version `version` (= latest + 1, the ShareLedger version number) of a statement:
    /// the verifier contract of its key, its roles (one per public input), trusted issuers.
    function registerStatement(
        string calldata statementId,
        uint32 version,
        address verifier,
        bytes32 keyHash,
        Role[] calldata roles,
        bytes32[] calldata trustedIssuers,
        uint32 recordValiditySecs
    ) external onlyRelayer {
        bytes32 sk = keccak256(bytes(statementId));
        if (bytes(statementId).length == 0 || version != latestVersion[sk] + 1) revert Refused("malformed");
        if (roles.length == 0 || roles.length > 14 || verifier.code.length == 0) revert Refused("malformed");
        if (IZkvctVerifier(verifier).N_PUBLIC() != roles.length) revert Refused("wrong_input_count");
        bytes32 vk = _versionKey(sk, version);
        uint256 packed = uint256(uint160(verifier)) | _packRoles(roles, vk) | (uint256(recordValiditySecs) << 224);
        versions[vk] = packed;
        versionKeyHash[vk] = keyHash;
        for (uint256 i = 0; i < trustedIssuers.length; i++) {
            if (trustedConfig[vk][trustedIssuers[i]] != 0) revert Refused("malformed"); // listed twice
            trustedConfig[vk][trustedIssuers[i]] = packed;
            versionIssuers[vk].push(trustedIssuers[i]);
        }
        latestVersion[sk] = version;
        emit StatementRegistered(sk, statementId, version, verifier, keyHash);
    }

    /// Bits 160-223 of a version's packed word (nibbles, flags, cutoff years) from its roles.
    function _packRoles(Role[] calldata roles, bytes32 vk) internal returns (uint256 packed) {
        uint256 n = roles.length;
        uint256[10] memory idx;
        for (uint256 k = 1; k < 10; k++) idx[k] = NONE;
        uint256 flags = 4;
        for (uint256 i = 0; i < n; i++) {
            uint8 kind = roles[i].kind;
            uint256 slot;
            if (kind == ROLE_ISSUER_ROOT || kind == ROLE_REVOCATION_ROOT) {
                slot = 1;
                if (kind == ROLE_REVOCATION_ROOT) flags |= 2;
            } else if (kind == ROLE_TODAY_DAYS) slot = 2;
            else if (kind == ROLE_CUTOFF_DAYS) {
                slot = 3;
                packed |= uint256(roles[i].nYears) << 208;
            } else if (kind == ROLE_SCOPE) slot = 4;
            else if (kind == ROLE_NULLIFIER) slot = 5;
            else if (kind == ROLE_CHALLENGE) slot = 6;
            else if (kind == ROLE_HOLDER_DID_HASH) slot = 7;
            else if (kind == ROLE_PARAM) {
                slot = 8;
                if (roles[i].value >= R) revert Refused("malformed");
                versionParam[vk] = roles[i].value;
            } else revert Refused("malformed");
            if (idx[slot] != NONE) revert Refused("malformed"); // each role at most once
            idx[slot] = i;
        }
        // a protocol v2 statement: one root, one scope, one nullifier, one challenge
        if (idx[1] == NONE || idx[4] == NONE || idx[5] == NONE || idx[6] == NONE) revert Refused("malformed");
        packed |= n << 160;
        for (uint256 k = 1; k < 10; k++) packed |= idx[k] << (160 + 4 * k);
        packed |= flags << 200;
    }

    /// Revoke one version, or every version when `version` is 0.
    function revokeStatement(string calldata statementId, uint32 version) external onlyRelayer {
        bytes32 sk = keccak256(bytes(statementId));
        uint32 latest = latestVersion[sk];
        if (latest == 0 || version > latest) revert Refused("statement_unknown");
        (uint32 lo, uint32 hi) = version == 0 ? (1, latest) : (version, version);
        for (uint32 v = lo; v <= hi; v++) {
            bytes32 vk = _versionKey(sk, v);
            versions[vk] |= uint256(1) << 200;
            bytes32[] storage issuers = versionIssuers[vk];
            for (uint256 i = 0; i < issuers.length; i++) trustedConfig[vk][issuers[i]] |= uint256(1) << 200;
            emit StatementRevoked(sk, v);
        }
    }

    function trustedIssuer(string calldata statementId, uint32 version, bytes32 issuerKey) external view returns (bool) {
        return trustedConfig[_versionKey(keccak256(bytes(statementId)), version)][issuerKey] != 0;
    }

    /// The trusted issuers of a version (issuer keys).
    function trustedIssuers(string calldata statementId, uint32 version) external view returns (bytes32[] memory) {
        return versionIssuers[_versionKey(keccak256(bytes(statementId)), version)];
    }

    /// The registered version: verifier, key hash, number of inputs, revoked (exists = false if none).
    function statement(string calldata statementId, uint32 version)
        external
        view
        returns (bool exists, uint32 resolvedVersion, address verifier, bytes32 keyHash, uint256 nPublic, bool revoked)
    {
        bytes32 sk = keccak256(bytes(statementId));
        resolvedVersion = version == 0 ? latestVersion[sk] : version;
        bytes32 vk = _versionKey(sk, resolvedVersion);
        uint256 packed = versions[vk];
        if (packed == 0) return (false, resolvedVersion, address(0), bytes32(0), 0, false);
        return (true, resolvedVersion, address(uint160(packed)), versionKeyHash[vk], (packed >> 160) & 15,
            (packed >> 200) & 1 == 1);
    }

    // ---------------------------------------------------------------- issuer roots (mirrored)

    /// The root becomes the issuer's current root; the previous one is replaced now (acceptable for
    /// `rootWindowSecs` more). With `retirePrevious` (a revocation) every earlier root is retired.
    function anchorRoot(bytes32 issuerKey, uint256 root, bool retirePrevious) external onlyRelayer {
        if (root == 0 || root >= R) revert Refused("malformed");
        if (roots[issuerKey][root] != 0) revert Refused("root_known");
        uint256 prev = currentRoot[issuerKey];
        if (prev != 0) roots[issuerKey][prev] |= block.timestamp << 64;
        uint256[] storage live = liveRootList[issuerKey];
        uint256 kept = 0;
        for (uint256 i = 0; i < live.length; i++) {
            uint256 r = live[i];
            uint256 info = roots[issuerKey][r];
            uint256 replacedAt = (info >> 64) & type(uint64).max;
            if (retirePrevious) {
                roots[issuerKey][r] = info | (uint256(1) << 128);
                emit RootRetired(issuerKey, r);
            } else if ((info >> 128) & 1 == 0 && block.timestamp <= replacedAt + rootWindowSecs) {
                live[kept++] = r;
            }
        }
        while (live.length > kept) live.pop();
        roots[issuerKey][root] = block.timestamp;
        live.push(root);
        currentRoot[issuerKey] = root;
        emit RootAnchored(issuerKey, root, retirePrevious);
    }

    function retireRoot(bytes32 issuerKey, uint256 root) external onlyRelayer {
        uint256 info = roots[issuerKey][root];
        if (info == 0) revert Refused("root_unknown");
        roots[issuerKey][root] = info | (uint256(1) << 128);
        emit RootRetired(issuerKey, root);
    }

    /// The issuer's roots that may still be acceptable (current, or replaced and not yet pruned),
    /// for the relayer to compare with ShareLedger.
    function liveRoots(bytes32 issuerKey) external view returns (uint256[] memory) {
        return liveRootList[issuerKey];
    }

    /// A root's status, as the CosmWasm contract's `issuer_root` query answers it.
    function issuerRoot(bytes32 issuerKey, uint256 root)
        external
        view
        returns (bool anchored, bool retired, bool current, uint64 anchoredAt, uint64 replacedAt)
    {
        uint256 info = roots[issuerKey][root];
        anchored = info != 0;
        retired = (info >> 128) & 1 == 1;
        current = anchored && currentRoot[issuerKey] == root && !retired;
        anchoredAt = uint64(info);
        replacedAt = uint64(info >> 64);
    }

    // ---------------------------------------------------------------- derivations (docs/protocol.md)

    // Each derivation is written once into scratch memory (past the free memory pointer, never
    // allocated) straight from calldata and hashed by the sha256 precompile: no abi.encodePacked
    // copies. Layouts: docs/protocol.md (lp(x) = 4-byte big-endian length, then x).

    /// Write lp(s) at `ptr`; return the end.
    function _lp(uint256 ptr, string calldata s) private pure returns (uint256 end) {
        assembly ("memory-safe") {
            mstore(ptr, shl(224, s.length))
            calldatacopy(add(ptr, 4), s.offset, s.length)
            end := add(add(ptr, 4), s.length)
        }
    }

    /// sha256 of memory [from, to) with the top three bits cleared (h253).
    function _sha253(uint256 from, uint256 to) private view returns (uint256 h) {
        assembly ("memory-safe") {
            if iszero(staticcall(gas(), 2, from, sub(to, from), 0, 32)) { revert(0, 0) }
            h := and(mload(0), H253)
        }
    }

    function _free() private pure returns (uint256 ptr) {
        assembly ("memory-safe") {
            ptr := mload(0x40)
        }
    }

    function deriveScope(string calldata relyingPartyDid, string calldata statementId) public view returns (uint256) {
        uint256 ptr = _free();
        uint256 end;
        assembly ("memory-safe") {
            mstore(ptr, shl(224, 14))
            mstore(add(ptr, 4), "zkvct/scope/v2")
        }
        end = _lp(_lp(ptr + 18, relyingPartyDid), statementId);
        return _sha253(ptr, end);
    }

    function deriveChallenge(string calldata relyingPartyDid, string calldata requestId, string calldata nonce, uint64 expiresAt)
        public
        view
        returns (uint256)
    {
        uint256 ptr = _free();
        uint256 end;
        assembly ("memory-safe") {
            mstore(ptr, shl(224, 18))
            mstore(add(ptr, 4), "zkvct/challenge/v2")
        }
        end = _lp(_lp(_lp(ptr + 22, relyingPartyDid), requestId), nonce);
        assembly ("memory-safe") {
            mstore(end, shl(192, expiresAt))
        }
        return _sha253(ptr, end + 8);
    }

    function holderDidHash(string calldata did) public view returns (uint256) {
        uint256 ptr = _free();
        assembly ("memory-safe") {
            calldatacopy(ptr, did.offset, did.length)
        }
        return _sha253(ptr, ptr + bytes(did).length);
    }

    /// `day` minus `nYears` calendar years (29 February -> 28 February), days since 1900-01-01.
    function minusYears(uint256 day, uint256 nYears) public pure returns (uint256) {
        // Howard Hinnant's civil_from_days / days_from_civil, shifted so everything is unsigned.
        // unchecked: every intermediate stays far below 2^256 for day < r, and an absurd day only
        // yields an absurd date, which no cutoff input matches.
        unchecked {
            uint256 z = day + DAY0_1900;
            uint256 era = z / 146097;
            uint256 doe = z - era * 146097;
            uint256 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
            uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            uint256 mp = (5 * doy + 2) / 153;
            uint256 d = doy - (153 * mp + 2) / 5 + 1;
            uint256 y = yoe + era * 400; // March-based year
            if (y < nYears) return type(uint256).max;
            y -= nYears;
            // 29 February (mp = 11, d = 29) in a year that is not leap -> 28 February
            uint256 civilYear = mp >= 10 ? y + 1 : y;
            if (mp == 11 && d == 29 && !(civilYear % 4 == 0 && (civilYear % 100 != 0 || civilYear % 400 == 0))) d = 28;
            era = y / 400;
            yoe = y - era * 400;
            doy = (153 * mp + 2) / 5 + d - 1;
            doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
            uint256 back = era * 146097 + doe;
            return back < DAY0_1900 ? type(uint256).max : back - DAY0_1900;
        }
    }

    function today() public view returns (uint256) {
        return block.timestamp / 86400 + DAYS_1900_TO_1970;
    }

    // ---------------------------------------------------------------- verification

    /// Verify and record: the nullifier (with the proof hash) and, in DID-bound mode, the record
    /// of (holder, statement). Reverts with `Refused(reason)`.
    function verify(Presentation calldata p) external returns (bytes32) {
        (uint8 code, Accepted memory a) = _check(p);
        if (code != OK) revert Refused(reasonName(code));
        nullifierProof[a.nullifierKey] = a.proofHash;
        if (a.holderHash != 0) {
            uint256 validUntil = a.recordValiditySecs == 0 ? 0 : block.timestamp + a.recordValiditySecs;
            records[a.holderHash][a.statementKey] =
                uint256(a.version) | (block.timestamp << 32) | (block.number << 96) | (validUntil << 160);
        }
        emit Verified(a.statementKey, a.version, a.holderHash, a.issuerKey, a.nullifier, a.proofHash);
        return a.proofHash;
    }

    /// The same checks without writing anything (as if sent by the caller): "" or the reason.
    function check(Presentation calldata p) external view returns (string memory) {
        (uint8 code,) = _check(p);
        return reasonName(code);
    }

    function _scopeOf(Presentation calldata p) internal view returns (uint256) {
        return deriveScope(p.relyingPartyDid, p.statementId);
    }

    function _challengeOf(Presentation calldata p) internal view returns (uint256) {
        return deriveChallenge(p.relyingPartyDid, p.requestId, p.nonce, p.expiresAt);
    }

    function _nib(uint256 packed, uint256 k) internal pure returns (uint256) {
        return (packed >> (160 + 4 * k)) & 15;
    }

    /// Input `i` (unchecked: every role index is below the input count, checked first).
    function _in(uint256[] calldata inputs, uint256 i) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := calldataload(add(inputs.offset, shl(5, i)))
        }
    }

    function _check(Presentation calldata p) internal view returns (uint8, Accepted memory a) {
        string calldata sid = p.statementId;
        a.statementKey = keccak256(bytes(sid));
        a.version = p.version == 0 ? latestVersion[a.statementKey] : p.version;
        bytes32 vk = _versionKey(a.statementKey, a.version);
        a.issuerKey = keccak256(bytes(p.issuerDid));
        uint256 st = trustedConfig[vk][a.issuerKey];
        a.trusted = st != 0;
        if (!a.trusted) st = versions[vk];
        if (st == 0) return (STATEMENT_UNKNOWN, a);
        if ((st >> 200) & 1 == 1) return (STATEMENT_REVOKED, a);
        uint256[] calldata inputs = p.publicInputs;
        if (inputs.length != _nib(st, 0)) return (WRONG_INPUT_COUNT, a);
        if (!_allBelowR(inputs)) return (INPUT_NOT_CANONICAL, a);
        uint256[8] calldata proof = p.proof;
        uint8 code = _checkPoints(proof);
        if (code != OK) return (code, a);
        a.proofHash = _proofHash(proof);
        uint256 scopeIn = _in(inputs, _nib(st, 4));
        a.nullifier = _in(inputs, _nib(st, 5));
        a.nullifierKey = keccak256(abi.encode(a.statementKey, scopeIn, a.nullifier));
        bytes32 used = nullifierProof[a.nullifierKey];
        // accepted proofs are stored under their own (scope, nullifier): the same proof again finds itself
        if (used != 0 && used == a.proofHash) return (PROOF_REPLAYED, a);
        uint64 expiresAt = p.expiresAt;
        if (block.timestamp > expiresAt) return (REQUEST_EXPIRED, a);
        uint256 blockDay = today();
        uint256 ti = _nib(st, 2);
        if (ti != NONE) {
            uint256 t = _in(inputs, ti);
            if (t + dateToleranceDays < blockDay || t > blockDay + dateToleranceDays) return (TODAY_OUT_OF_RANGE, a);
        }
        if (!a.trusted) return (ISSUER_NOT_TRUSTED, a);
        code = _checkRoot(st, a.issuerKey, _in(inputs, _nib(st, 1)));
        if (code != OK) return (code, a);
        if (_nib(st, 3) != NONE && !_cutoffOk(st, inputs, blockDay)) return (CUTOFF_MISMATCH, a);
        if (_nib(st, 8) != NONE && _in(inputs, _nib(st, 8)) != versionParam[vk]) return (PARAM_MISMATCH, a);
        string calldata rp = p.relyingPartyDid;
        if (scopeIn != deriveScope(rp, sid)) return (SCOPE_MISMATCH, a);
        if (_in(inputs, _nib(st, 6)) != deriveChallenge(rp, p.requestId, p.nonce, expiresAt)) return (CHALLENGE_MISMATCH, a);
        uint256 holderIdx = _nib(st, 7);
        string calldata holderDid = p.holderDid;
        if (holderIdx != NONE) {
            if (bytes(holderDid).length == 0) return (HOLDER_DID_MISSING, a);
            uint256 h = holderDidHash(holderDid);
            if (_in(inputs, holderIdx) != h) return (HOLDER_DID_MISMATCH, a);
            // no CW1056 here: a DID-bound record is made by a relayer (docs/evm.md)
            if (!isRelayer[msg.sender]) return (SENDER_NOT_AUTHORIZED, a);
            a.holderHash = bytes32(h);
        } else if (bytes(holderDid).length != 0) {
            if (used != 0) return (NULLIFIER_USED, a);
            return (MALFORMED, a);
        }
        if (used != 0) return (NULLIFIER_USED, a);
        uint256 res = IZkvctVerifier(address(uint160(st))).check(proof, inputs);
        if (res == 1) return (WRONG_INPUT_COUNT, a);
        if (res == 2) return (INPUT_NOT_CANONICAL, a);
        if (res == 3) return (PROOF_MALFORMED, a);
        if (res != 0) return (PROOF_INVALID, a);
        a.recordValiditySecs = uint32(st >> 224);
        return (OK, a);
    }

    /// sha256 of the eight proof words (docs/protocol.md's proof hash), from calldata.
    function _proofHash(uint256[8] calldata w) private view returns (bytes32 h) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, w, 256)
            if iszero(staticcall(gas(), 2, ptr, 256, 0, 32)) { revert(0, 0) }
            h := mload(0)
        }
    }

    /// Coordinates < q and A, C affine points on the curve, not infinity (B: the pairing
    /// precompile checks it, answered as proof_malformed by the verifier).
    function _allBelowR(uint256[] calldata inputs) internal pure returns (bool ok) {
        assembly {
            ok := 1
            let end := add(inputs.offset, shl(5, inputs.length))
            for { let o := inputs.offset } lt(o, end) { o := add(o, 32) } { ok := and(ok, lt(calldataload(o), R)) }
        }
    }

    function _checkPoints(uint256[8] calldata w) internal pure returns (uint8 code) {
        assembly {
            let q := 21888242871839275222246405745257275088696311157297823662689037894645226208583
            let bad := iszero(lt(calldataload(w), q))
            bad := or(bad, iszero(lt(calldataload(add(w, 32)), q)))
            bad := or(bad, iszero(lt(calldataload(add(w, 64)), q)))
            bad := or(bad, iszero(lt(calldataload(add(w, 96)), q)))
            bad := or(bad, iszero(lt(calldataload(add(w, 128)), q)))
            bad := or(bad, iszero(lt(calldataload(add(w, 160)), q)))
            bad := or(bad, iszero(lt(calldataload(add(w, 192)), q)))
            bad := or(bad, iszero(lt(calldataload(add(w, 224)), q)))
            // A (words 0-1) and C (words 6-7) on y^2 = x^3 + 3 (infinity, (0, 0), is not)
            let x := calldataload(w)
            let y := calldataload(add(w, 32))
            bad := or(bad, iszero(eq(mulmod(y, y, q), addmod(mulmod(x, mulmod(x, x, q), q), 3, q))))
            x := calldataload(add(w, 192))
            y := calldataload(add(w, 224))
            bad := or(bad, iszero(eq(mulmod(y, y, q), addmod(mulmod(x, mulmod(x, x, q), q), 3, q))))
            if bad { code := 4 } // PROOF_MALFORMED
        }
    }

    /// cutoff_days = today_days - N calendar years (without a today_days input: of a date within
    /// the tolerance of the block date)
    function _cutoffOk(uint256 st, uint256[] calldata inputs, uint256 blockDay) internal view returns (bool) {
        uint256 nYears = (st >> 208) & 0xffff;
        uint256 cutoff = _in(inputs, _nib(st, 3));
        uint256 ti = _nib(st, 2);
        if (ti != NONE) return cutoff == minusYears(_in(inputs, ti), nYears);
        for (uint256 d = blockDay - dateToleranceDays; d <= blockDay + dateToleranceDays; d++) {
            if (cutoff == minusYears(d, nYears)) return true;
        }
        return false;
    }

    function _checkRoot(uint256 st, bytes32 ik, uint256 root) internal view returns (uint8) {
        uint256 info = roots[ik][root];
        if (info == 0) return ROOT_UNKNOWN;
        if ((info >> 128) & 1 == 1) return ROOT_RETIRED;
        uint256 replacedAt = (info >> 64) & type(uint64).max;
        if ((st >> 201) & 1 == 1) {
            if (replacedAt != 0) return ROOT_NOT_CURRENT;
        } else if (replacedAt != 0 && block.timestamp > replacedAt + rootWindowSecs) {
            return ROOT_EXPIRED;
        }
        return OK;
    }

    // ---------------------------------------------------------------- records

    /// The record of (holder DID hash, statement): valid = false with the reason for a revoked
    /// statement version (statement_revoked) or an expired record (expired).
    function record(bytes32 holderHash, string calldata statementId)
        external
        view
        returns (bool exists, bool valid, string memory reason, uint32 version, uint64 verifiedAt, uint64 height, uint64 validUntil)
    {
        bytes32 sk = keccak256(bytes(statementId));
        uint256 rec = records[holderHash][sk];
        if (rec == 0) return (false, false, "", 0, 0, 0, 0);
        version = uint32(rec);
        verifiedAt = uint64(rec >> 32);
        height = uint64(rec >> 96);
        validUntil = uint64(rec >> 160);
        exists = true;
        valid = true;
        if ((versions[_versionKey(sk, version)] >> 200) & 1 == 1) {
            (valid, reason) = (false, "statement_revoked");
        } else if (validUntil != 0 && block.timestamp > validUntil) {
            (valid, reason) = (false, "expired");
        }
    }

    function reasonName(uint8 code) public pure returns (string memory) {
        string[24] memory names = [
            "", "malformed", "wrong_input_count", "input_not_canonical", "proof_malformed", "proof_invalid",
            "statement_unknown", "statement_revoked", "issuer_not_trusted", "root_unknown", "root_retired",
            "root_expired", "root_not_current", "today_out_of_range", "cutoff_mismatch", "scope_mismatch",
            "challenge_mismatch", "request_expired", "nullifier_used", "proof_replayed", "holder_did_missing",
            "holder_did_mismatch", "param_mismatch", "sender_not_authorized"
        ];
        return names[code];
    }
}
