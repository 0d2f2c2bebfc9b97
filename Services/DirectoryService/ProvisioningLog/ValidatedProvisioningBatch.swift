import InternalAPI
import ScimCore

/// A gateway's batch, checked before anything is stored (README "Provisioning log"): at most
/// ``ProvisioningLogBatch/maximumEntries`` entries and ``maximumReads`` read counts, every field within its bound,
/// each body at most 8 KiB plus a margin for the gateway's truncation marker. Times are read back in the stored
/// form. An entry naming a tenant or IdP no id can be (empty, longer than 128 bytes: an authentication failure on
/// a made-up path) is dropped like one of a tenant that does not exist. Anything else is 400 naming the field.
struct ValidatedProvisioningBatch: Sendable {
    /// The gateway keeps at most 10,000 IdP-minutes of read counts while the directory is away, and sends them at once.
    static let maximumReads = 10_000
    static let maximumBodyBytes = 8 * 1024 + 1024
    /// The gateway caps a detail like a body.
    static let maximumDetailBytes = 8 * 1024 + 1024
    /// A request's path, and an id taken from it: as long as the gateway's HTTP server lets a request line be.
    static let maximumPathBytes = 16 * 1024
    static let maximumChangedAttributes = 200

    let entries: [ProvisioningLogEntry]
    let reads: [ProvisioningReadCount]
    /// Every tenant and IdP the batch names.
    let idps: Set<IdPKey>

    init(_ batch: ProvisioningLogBatch) throws(ScimError) {
        guard batch.entries.count <= ProvisioningLogBatch.maximumEntries else {
            throw .invalidValue("A batch holds at most \(ProvisioningLogBatch.maximumEntries) entries; this one has \(batch.entries.count).")
        }
        guard batch.reads.count <= Self.maximumReads else {
            throw .invalidValue("A batch holds at most \(Self.maximumReads) read counts; this one has \(batch.reads.count).")
        }
        var entries: [ProvisioningLogEntry] = []
        entries.reserveCapacity(batch.entries.count)
        var idps: Set<IdPKey> = []
        for (index, original) in batch.entries.enumerated() where Self.isPossibleID(original.tenantID) && Self.isPossibleID(original.idpID) {
            var entry = original
            let field = { (name: String) in "entries[\(index)].\(name)" }
            try Self.check(entry.id, field("id"), maximum: 128)
            try Self.check(entry.requestID, field("requestID"), maximum: 200, allowsEmpty: true)
            try Self.check(entry.path, field("path"), maximum: Self.maximumPathBytes)
            guard (1...16).contains(entry.method.utf8.count), entry.method.utf8.allSatisfy({ (0x41...0x5A).contains($0) }) else {
                throw .invalidValue("\(field("method")) must be an HTTP method.")
            }
            guard let time = ApplicationTimestamp.normalized(entry.time) else {
                throw .invalidValue("\(field("time")) must be an ISO 8601 date and time.")
            }
            entry.time = time
            guard (100...599).contains(entry.httpStatus) else { throw .invalidValue("\(field("httpStatus")) must be an HTTP status code.") }
            try Self.check(entry.resourceType, field("resourceType"), maximum: 64)
            try Self.check(entry.resourceID, field("resourceID"), maximum: Self.maximumPathBytes)
            try Self.check(entry.externalID, field("externalID"), maximum: 1_024)
            try Self.check(entry.displayName, field("displayName"), maximum: 1_024)
            try Self.check(entry.scimType, field("scimType"), maximum: 64)
            try Self.check(entry.detail, field("detail"), maximum: Self.maximumDetailBytes)
            try Self.check(entry.tokenPrefix, field("tokenPrefix"), maximum: 64)
            try Self.check(entry.requestBody, field("requestBody"), maximum: Self.maximumBodyBytes)
            try Self.check(entry.responseBody, field("responseBody"), maximum: Self.maximumBodyBytes)
            guard entry.changedAttributes.count <= Self.maximumChangedAttributes else {
                throw .invalidValue("\(field("changedAttributes")) names more than \(Self.maximumChangedAttributes) attributes.")
            }
            for attribute in entry.changedAttributes { try Self.check(attribute, field("changedAttributes"), maximum: 256) }
            idps.insert(IdPKey(entry.tenantID, entry.idpID))
            entries.append(entry)
        }
        var reads: [ProvisioningReadCount] = []
        reads.reserveCapacity(batch.reads.count)
        for (index, original) in batch.reads.enumerated() where Self.isPossibleID(original.tenantID) && Self.isPossibleID(original.idpID) {
            var read = original
            guard let minute = ApplicationTimestamp.normalized(read.minute) else {
                throw .invalidValue("reads[\(index)].minute must be an ISO 8601 date and time.")
            }
            read.minute = ProvisioningTally.minute(of: minute)
            guard (0...1_000_000_000).contains(read.count) else { throw .invalidValue("reads[\(index)].count is out of range.") }
            idps.insert(IdPKey(read.tenantID, read.idpID))
            reads.append(read)
        }
        self.entries = entries
        self.reads = reads
        self.idps = idps
    }

    private static func isPossibleID(_ id: String) -> Bool { (1...128).contains(id.utf8.count) }

    private static func check(_ value: String?, _ field: String, maximum: Int, allowsEmpty: Bool = false) throws(ScimError) {
        guard let value else { return }
        guard allowsEmpty || !value.isEmpty else { throw .invalidValue("\(field) must not be empty.") }
        guard value.utf8.count <= maximum else { throw .invalidValue("\(field) is longer than \(maximum) bytes.") }
    }
}
