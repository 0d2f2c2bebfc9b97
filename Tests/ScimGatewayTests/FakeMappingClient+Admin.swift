import Foundation
import InternalAPI
import Logging
import ScimCore
import ServiceClients
import Synchronization

/// The admin operations of the fake mapping service, in memory: enough for the gateway's own part
/// (checking the tenant and IdP, registering the IdP, forcing the actor, choosing the status, relaying the peer's
/// SCIM errors as they are). The rules themselves are tested in MappingServiceTests and end to end; the fake
/// refuses with the mapping service's statuses, scimTypes and details.
extension FakeMappingClient {
    /// What the fake mapping service holds for the admin API. Mappings are `attribute → SCIM path` per "tenant/idp";
    /// an IdP starts with the built-ins mapped as in `identitySchema`.
    struct AdminState {
        static let builtIns = [
            IdentityAttribute(name: "Username", description: "", type: .string, multiValued: false, mandatory: true, builtIn: true),
            IdentityAttribute(name: "Email", description: "", type: .string, multiValued: false, mandatory: true, builtIn: true),
            IdentityAttribute(name: "Department", description: "", type: .string, multiValued: false, mandatory: false, builtIn: true),
        ]
        static let defaultMappings = ["Username": "userName", "Email": "emails.value", "Department": "title"]

        var custom: [String: [IdentityAttribute]] = [:]  // tenant
        var mappings: [String: [String: String]] = [:]  // "tenant/idp"
        var customized: Set<String> = []  // "tenant/idp"
        var jobs: [String: ReapplyJob] = [:]  // "tenant/idp/id"
        /// Each admin call the fake received, with the actor it named: "attribute.created Cost Center by admin".
        var calls: [String] = []
    }

    var adminCalls: [String] { state.withLock { $0.admin.calls } }
    var jobs: [ReapplyJob] { state.withLock { Array($0.admin.jobs.values) } }

    /// Moves a job on, as the mapping service's runner does.
    func updateJob(_ job: ReapplyJob) { state.withLock { $0.admin.jobs["\(job.tenantID)/\(job.idpID)/\(job.id)"] = job } }

    func identityAttributes(tenantID: String, logger: Logger) async throws -> [IdentityAttribute] {
        state.withLock { AdminState.builtIns + ($0.admin.custom[tenantID] ?? []) }
    }

    func createIdentityAttribute(tenantID: String, _ request: IdentityAttributeCreateRequest, logger: Logger) async throws -> IdentityAttribute {
        try state.withLock { state in
            guard let type = IdentityAttributeType(rawValue: request.type.lowercased()) else {
                throw ScimError.invalidValue("'\(request.type)' is not an identity attribute type: use one of string, number, boolean, date.")
            }
            let all = AdminState.builtIns + (state.admin.custom[tenantID] ?? [])
            if let existing = all.first(where: { $0.name.lowercased() == request.name.lowercased() }) {
                throw ScimError.uniqueness("An identity attribute named '\(existing.name)' already exists.")
            }
            let attribute = IdentityAttribute(
                name: request.name,
                description: request.description ?? "",
                type: type,
                multiValued: request.multiValued ?? false,
                mandatory: request.mandatory ?? false,
                builtIn: false
            )
            state.admin.custom[tenantID, default: []].append(attribute)
            state.admin.calls.append("attribute.created \(attribute.name) by \(request.actor ?? "-")")
            return attribute
        }
    }

    func updateIdentityAttribute(
        tenantID: String,
        name: String,
        _ request: IdentityAttributeUpdateRequest,
        logger: Logger
    ) async throws -> IdentityAttribute {
        try state.withLock { state in
            try Self.refuseBuiltIn(name, doing: "changed")
            guard let index = state.admin.custom[tenantID]?.firstIndex(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw ScimError.notFound("Identity attribute '\(name)' not found.")
            }
            if let description = request.description { state.admin.custom[tenantID]![index].description = description }
            if let mandatory = request.mandatory { state.admin.custom[tenantID]![index].mandatory = mandatory }
            state.admin.calls.append("attribute.updated \(name) by \(request.actor ?? "-")")
            return state.admin.custom[tenantID]![index]
        }
    }

    func deleteIdentityAttribute(tenantID: String, name: String, actor: String, logger: Logger) async throws {
        try state.withLock { state in
            try Self.refuseBuiltIn(name, doing: "deleted")
            guard let index = state.admin.custom[tenantID]?.firstIndex(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw ScimError.notFound("Identity attribute '\(name)' not found.")
            }
            state.admin.custom[tenantID]!.remove(at: index)
            state.admin.calls.append("attribute.deleted \(name) by \(actor)")
        }
    }

    func mappingsView(tenantID: String, idpID: String, logger: Logger) async throws -> AttributeMappingsView {
        try state.withLock { state in try Self.view(&state, tenantID: tenantID, idpID: idpID) }
    }

    func setMapping(
        tenantID: String,
        idpID: String,
        attribute: String,
        _ request: AttributeMappingSetRequest,
        logger: Logger
    ) async throws -> AttributeMappingsView {
        try state.withLock { state in
            _ = try Self.view(&state, tenantID: tenantID, idpID: idpID)
            let definition = try Self.attribute(state, tenantID: tenantID, name: attribute)
            let path = request.scimPath.trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty, !path.contains(" ") else {
                throw ScimError.invalidPath("'\(request.scimPath)' is not a SCIM attribute path.")
            }
            state.admin.mappings["\(tenantID)/\(idpID)", default: [:]][definition.name] = path
            state.admin.customized.insert("\(tenantID)/\(idpID)")
            state.admin.calls.append("mapping.set \(definition.name) by \(request.actor ?? "-")")
            return try Self.view(&state, tenantID: tenantID, idpID: idpID)
        }
    }

    func removeMapping(tenantID: String, idpID: String, attribute: String, actor: String, logger: Logger) async throws {
        try state.withLock { state in
            _ = try Self.view(&state, tenantID: tenantID, idpID: idpID)
            let definition = try Self.attribute(state, tenantID: tenantID, name: attribute)
            guard !definition.mandatory else {
                throw ScimError.invalidValue(
                    "'\(definition.name)' is mandatory and cannot be left unmapped; map it from another SCIM attribute instead."
                )
            }
            guard state.admin.mappings["\(tenantID)/\(idpID)"]?.removeValue(forKey: definition.name) != nil else {
                throw ScimError.notFound("Identity provider '\(idpID)' does not map '\(definition.name)'.")
            }
            state.admin.customized.insert("\(tenantID)/\(idpID)")
            state.admin.calls.append("mapping.removed \(definition.name) by \(actor)")
        }
    }

    /// A new pending job (the real service's 202), or the IdP's unfinished one (its 200).
    func startReapply(tenantID: String, idpID: String, _ request: ReapplyJobRequest, logger: Logger) async throws -> ReapplyJob {
        try state.withLock { state in
            _ = try Self.view(&state, tenantID: tenantID, idpID: idpID)
            if let unfinished = state.admin.jobs.values.first(where: { $0.tenantID == tenantID && $0.idpID == idpID && !$0.isFinished }) {
                return unfinished
            }
            let job = ReapplyJob(
                id: UUID().uuidString.lowercased(),
                tenantID: tenantID,
                idpID: idpID,
                state: .pending,
                total: 0,
                done: 0,
                failed: 0,
                detail: nil,
                actor: request.actor ?? "-",
                createdAt: "2030-01-01T00:00:00.000Z",
                updatedAt: "2030-01-01T00:00:00.000Z"
            )
            state.admin.jobs["\(tenantID)/\(idpID)/\(job.id)"] = job
            state.admin.calls.append("reapply.started by \(job.actor)")
            return job
        }
    }

    func reapplyJob(tenantID: String, idpID: String, id: String, logger: Logger) async throws -> ReapplyJob {
        try state.withLock { state in
            guard let job = state.admin.jobs["\(tenantID)/\(idpID)/\(id)"] else {
                throw ScimError.notFound("Re-apply job '\(id)' not found for identity provider '\(idpID)'.")
            }
            return job
        }
    }

    // MARK: Helpers (called with the state locked)

    /// The IdP's view; 404 as the mapping service answers for an IdP it does not know (the gateway registers
    /// the IdP before each mapping call, so this only happens when registration is bypassed).
    private static func view(_ state: inout State, tenantID: String, idpID: String) throws -> AttributeMappingsView {
        let key = "\(tenantID)/\(idpID)"
        guard let registration = state.registrations.last(where: { $0.tenantID == tenantID && $0.idpID == idpID }) else {
            throw ScimError.notFound("Identity provider '\(idpID)' is not registered with the mapping service.")
        }
        if state.admin.mappings[key] == nil { state.admin.mappings[key] = AdminState.defaultMappings }
        let sources = state.admin.mappings[key] ?? [:]
        let attributes = AdminState.builtIns + (state.admin.custom[tenantID] ?? [])
        return AttributeMappingsView(
            tenantID: tenantID,
            idpID: idpID,
            providerType: registration.providerType.rawValue,
            customized: state.admin.customized.contains(key),
            mapped: attributes.compactMap { attribute in sources[attribute.name].map { .init(attribute: attribute, scimPath: $0) } },
            unmapped: attributes.filter { sources[$0.name] == nil }
        )
    }

    private static func attribute(_ state: State, tenantID: String, name: String) throws -> IdentityAttribute {
        guard let found = (AdminState.builtIns + (state.admin.custom[tenantID] ?? [])).first(where: { $0.name.lowercased() == name.lowercased() })
        else {
            throw ScimError.notFound("Identity attribute '\(name)' not found in tenant '\(tenantID)'.")
        }
        return found
    }

    private static func refuseBuiltIn(_ name: String, doing verb: String) throws {
        if let builtIn = AdminState.builtIns.first(where: { $0.name.lowercased() == name.lowercased() }) {
            throw ScimError.mutability("'\(builtIn.name)' is a built-in identity attribute and cannot be \(verb).")
        }
    }
}
