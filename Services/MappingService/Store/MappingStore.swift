import Foundation
import IdentityMapping
import InternalAPI
import Logging

/// An identity provider as the mapping service knows it.
struct RegisteredIdentityProvider: Sendable, Hashable {
    var tenantID: String
    var idpID: String
    var providerType: String
    /// An admin changed its mappings: a provider-type change keeps them instead of re-seeding the defaults.
    var customized: Bool
}

/// One entry of the mapping service's audit trail: who changed what, when.
struct MappingEvent: Sendable, Hashable {
    var tenantID: String
    var idpID: String?
    var actor: String
    /// `attribute.created`, `mapping.set`, `reapply.started`, …
    var action: String
    /// The identity attribute or job the event is about.
    var subject: String
    var detail: String?
}

/// Where a re-apply job is: its public view plus the directory cursor it continues from.
struct ReapplyJobRecord: Sendable, Hashable {
    var job: ReapplyJob
    var cursor: String?
}

/// The mapping service's storage. Every change records its `MappingEvent` in the same transaction.
protocol MappingStore: Sendable {
    func isReachable() async -> Bool

    // MARK: Identity attributes
    /// The tenant's custom identity attributes (built-ins are not stored).
    func customAttributes(tenantID: String) async throws -> [IdentityAttribute]
    /// 409 `uniqueness` when the name (any letter case) is taken.
    func createAttribute(tenantID: String, _ attribute: IdentityAttribute, event: MappingEvent) async throws
    /// False when there is no such custom attribute.
    func updateAttribute(tenantID: String, _ attribute: IdentityAttribute, event: MappingEvent) async throws -> Bool
    /// Deletes a custom attribute no mapping uses; 409 naming the IdPs that map it. False when there is no such attribute.
    func deleteAttribute(tenantID: String, name: String, event: MappingEvent) async throws -> Bool

    // MARK: Identity providers and mappings
    /// Registers an identity provider with its type and seeds its mappings. A known IdP whose type changes gets
    /// the new type, and the new type's defaults unless an admin customised its mappings.
    func registerIdentityProvider(tenantID: String, idpID: String, providerType: String, mappings: [AttributeMapping]) async throws
    func identityProvider(tenantID: String, idpID: String) async throws -> RegisteredIdentityProvider?
    /// The IdP's mapping rules; nil when the IdP was never registered.
    func mappings(tenantID: String, idpID: String) async throws -> [AttributeMapping]?
    /// Every mapping of the tenant's IdPs onto `attribute`: (IdP, SCIM path).
    func mappings(tenantID: String, attribute: String) async throws -> [(idpID: String, scimPath: String)]
    /// Sets (or replaces) one mapping and marks the IdP customised.
    func setMapping(tenantID: String, idpID: String, _ mapping: AttributeMapping, event: MappingEvent) async throws
    /// Removes one mapping and marks the IdP customised; false when the attribute was not mapped.
    func removeMapping(tenantID: String, idpID: String, attribute: String, event: MappingEvent) async throws -> Bool
    func deleteIdentityProvider(tenantID: String, idpID: String) async throws
    func deleteTenant(tenantID: String) async throws

    // MARK: Re-apply jobs
    func insertJob(_ job: ReapplyJob, event: MappingEvent) async throws
    func job(tenantID: String, idpID: String, id: String) async throws -> ReapplyJobRecord?
    /// The IdP's pending or running job, if any.
    func unfinishedJob(tenantID: String, idpID: String) async throws -> ReapplyJob?
    /// Every pending or running job, oldest first: what the runner resumes at start.
    func unfinishedJobs() async throws -> [ReapplyJobRecord]
    /// Takes or renews the lease on an unfinished job until `until`; false while another runner holds an unexpired
    /// lease (or the job is finished). Timestamps are `Timestamp` strings, which sort as text.
    func claimJob(id: String, owner: String, until: String, now: String) async throws -> Bool
    /// Saves a job's progress and where it continues.
    func updateJob(_ record: ReapplyJobRecord) async throws

    // MARK: Audit trail
    func events(tenantID: String, limit: Int) async throws -> [MappingEvent]
}
