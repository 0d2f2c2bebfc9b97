import InternalAPI
import ScimCore

/// A gateway's batch, checked before anything is stored (README "Provisioning log"): at most
/// ``ProvisioningLogBatch/maximumEntries`` entries and ``maximumReads`` read counts, every field within its bound,
/// each body at most 8 KiB plus a margin for the gateway's truncation marker. Times are read back in the stored
/// form. Anything else is 400 naming the field.
struct ValidatedProvisioningBatch: Sendable {
    static let maximumReads = 1_000
    static let maximumBodyBytes = 8 * 1024 + 1024
    static let maximumDetailBytes = 4 * 1024
    static let maximumChangedAttributes = 200
    private static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

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
        for (index, original) in batch.entries.enumerated() {
            var entry = original
            let field = { (name: String) in "entries[\(index)].\(name)" }
            try Self.check(entry.id, field("id"), maximum: 128)
            try Self.check(entry.requestID, field("requestID"), maximum: 200, allowsEmpty: true)
            try Self.check(entry.tenantID, field("tenantID"), maximum: 128)
            try Self.check(entry.idpID, field("idpID"), maximum: 128)
            try Self.check(entry.path, field("path"), maximum: 2_048)
            guard Self.methods.contains(entry.method) else { throw .invalidValue("\(field("method")) is not an HTTP method the gateway serves.") }
            guard let time = ApplicationTimestamp.normalized(entry.time) else {
                throw .invalidValue("\(field("time")) must be an ISO 8601 date and time.")
            }
            entry.time = time
            guard (100...599).contains(entry.httpStatus) else { throw .invalidValue("\(field("httpStatus")) must be an HTTP status code.") }
            try Self.check(entry.resourceType, field("resourceType"), maximum: 64)
            try Self.check(entry.resourceID, field("resourceID"), maximum: 512)
            try Self.check(entry.externalID, field("externalID"), maximum: 1_024)
            try Self.check(entry.displayName, field("displayName"), maximum: 1_024)
            try Self.check(entry.scimType, field("scimType"), maximum: 64)
            try Self.check(entry.detail, field("detail"), maximum: Self.maximumDetailBytes)
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
        for (index, original) in batch.reads.enumerated() {
            var read = original
            try Self.check(read.tenantID, "reads[\(index)].tenantID", maximum: 128)
            try Self.check(read.idpID, "reads[\(index)].idpID", maximum: 128)
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

    private static func check(_ value: String?, _ field: String, maximum: Int, allowsEmpty: Bool = false) throws(ScimError) {
        guard let value else { return }
        guard allowsEmpty || !value.isEmpty else { throw .invalidValue("\(field) must not be empty.") }
        guard value.utf8.count <= maximum else { throw .invalidValue("\(field) is longer than \(maximum) bytes.") }
    }
}
