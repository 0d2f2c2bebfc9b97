import Foundation
import Hummingbird
import InternalAPI
import ScimCore
import ServiceClients
import ServiceKit

/// The IdP page's **User mapping** tab: the "Mapped Attributes" toggle between the identity attributes this IdP maps
/// (with their SCIM paths) and those it leaves unmapped; map one from a SCIM path (the mapping service validates it,
/// and its message is shown); remove a mapping; re-apply the mappings to existing users, with the job's progress on
/// a page that refreshes itself while the job runs. The same mapping-service calls as ``MappingAdminController``.
struct UserMappingRoutes {
    let peers: GatewayPeers
    let schemas: TenantSchemas
    let views: ConsoleViews

    struct Row {
        var name: String
        var type: String
        var mandatory: Bool
        var scimPath: String
        var path: String
        var csrf: String
        var canWrite: Bool
        var base: String
    }

    struct Model {
        var base: String
        var tabs: [IdpTabs.Tab]
        var name: String
        var providerType: String
        var customized: Bool
        var showMapped: Bool
        var rows: [Row]
        var hasRows: Bool
        var canWrite: Bool
        var csrf: String
    }

    struct JobModel {
        var base: String
        var tabs: [IdpTabs.Tab]
        var name: String
        var state: String
        var total: Int
        var done: Int
        var failed: Int
        var running: Bool
    }

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get("tenants/:tenant/idps/:idp/mapping", use: show)
        group.post("tenants/:tenant/idps/:idp/mapping/:attribute", use: set)
        group.post("tenants/:tenant/idps/:idp/mapping/:attribute/remove", use: remove)
        group.post("tenants/:tenant/idps/:idp/mapping-reapply", use: reapply)
        group.get("tenants/:tenant/idps/:idp/mapping-jobs/:job", use: job)
    }

    @Sendable func show(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let user = try ConsoleRoutes.user()
        let tenantID = try context.parameters.require("tenant")
        try ConsoleAccess.check(user, tenant: tenantID, method: .get)
        let showMapped = request.uri.queryParameters.get("view") != "unmapped"
        let idp = try await peers.registeredIdentityProvider(tenantID: tenantID, idpID: try context.parameters.require("idp"), logger: context.logger)
        let view = try await peers.mapping.mappingsView(tenantID: tenantID, idpID: idp.id, logger: context.logger)
        let base = "/console/tenants/\(tenantID)/idps/\(idp.id)"
        func row(_ attribute: IdentityAttribute, _ scimPath: String) -> Row {
            Row(
                name: attribute.name,
                type: attribute.type.rawValue + (attribute.multiValued ? ", multi-valued" : ""),
                mandatory: attribute.mandatory,
                scimPath: scimPath,
                path: PercentEncoding.encode(attribute.name),
                csrf: user.csrfToken,
                canWrite: user.canWrite,
                base: base
            )
        }
        let rows = showMapped ? view.mapped.map { row($0.attribute, $0.scimPath) } : view.unmapped.map { row($0, "") }
        let model = Model(
            base: base,
            tabs: IdpTabs.tabs(base: base, current: "User mapping"),
            name: idp.name,
            providerType: view.providerType,
            customized: view.customized,
            showMapped: showMapped,
            rows: rows,
            hasRows: !rows.isEmpty,
            canWrite: user.canWrite,
            csrf: user.csrfToken
        )
        return views.page(
            "idp-mapping",
            title: "\(idp.name): user mapping",
            model: model,
            tenantNav: .init(tenantID: tenantID, current: "Identity providers")
        )
    }

    @Sendable func set(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (user, idp) = try await writer(context)
        defer { forgetCachedRules(tenantID: idp.tenantID) }
        let scimPath = try ConsoleForm.text(user.form, "scimPath", label: "SCIM path", maximumLength: 500)
        _ = try await peers.mapping.setMapping(
            tenantID: idp.tenantID,
            idpID: idp.id,
            attribute: try Self.attribute(context),
            AttributeMappingSetRequest(scimPath: scimPath, actor: Self.actor(user)),
            logger: context.logger
        )
        return ConsoleViews.redirect("/console/tenants/\(idp.tenantID)/idps/\(idp.id)/mapping")
    }

    @Sendable func remove(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (user, idp) = try await writer(context)
        defer { forgetCachedRules(tenantID: idp.tenantID) }
        try await peers.mapping.removeMapping(
            tenantID: idp.tenantID,
            idpID: idp.id,
            attribute: try Self.attribute(context),
            actor: Self.actor(user),
            logger: context.logger
        )
        return ConsoleViews.redirect("/console/tenants/\(idp.tenantID)/idps/\(idp.id)/mapping")
    }

    @Sendable func reapply(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (user, idp) = try await writer(context)
        let job = try await peers.mapping.startReapply(
            tenantID: idp.tenantID,
            idpID: idp.id,
            ReapplyJobRequest(actor: Self.actor(user)),
            logger: context.logger
        )
        return ConsoleViews.redirect("/console/tenants/\(idp.tenantID)/idps/\(idp.id)/mapping-jobs/\(PercentEncoding.encode(job.id))")
    }

    /// The job's progress; the page refreshes itself every 2 seconds while the job is pending or running.
    @Sendable func job(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        try ConsoleAccess.check(try ConsoleRoutes.user(), tenant: tenantID, method: .get)
        let idp = try await peers.directory.identityProvider(tenantID: tenantID, idpID: try context.parameters.require("idp"), logger: context.logger)
        let id = try context.parameters.require("job")
        guard id.utf8.count <= 128 else { throw ScimError.notFound("No such re-apply job.") }
        let job = try await peers.mapping.reapplyJob(tenantID: tenantID, idpID: idp.id, id: id, logger: context.logger)
        let base = "/console/tenants/\(tenantID)/idps/\(idp.id)"
        let model = JobModel(
            base: base,
            tabs: IdpTabs.tabs(base: base, current: "User mapping"),
            name: idp.name,
            state: job.state.rawValue,
            total: job.total,
            done: job.done,
            failed: job.failed,
            running: job.state == .pending || job.state == .running
        )
        return views.page(
            "idp-mapping-job",
            title: "\(idp.name): re-applying mappings",
            model: model,
            tenantNav: .init(tenantID: tenantID, current: "Identity providers"),
            refreshSeconds: model.running ? 2 : nil
        )
    }

    private func writer(_ context: ServiceRequestContext) async throws -> (ConsoleUser, IdentityProvider) {
        let user = try ConsoleRoutes.user()
        let tenantID = try context.parameters.require("tenant")
        try ConsoleAccess.check(user, tenant: tenantID, method: .post)
        return (
            user, try await peers.registeredIdentityProvider(tenantID: tenantID, idpID: try context.parameters.require("idp"), logger: context.logger)
        )
    }

    private func forgetCachedRules(tenantID: String) {
        schemas.invalidate(tenantID: tenantID)
        peers.identityMapper.invalidate(tenantID: tenantID)
    }

    private static func attribute(_ context: ServiceRequestContext) throws -> String {
        let raw = try context.parameters.require("attribute")
        let name = raw.removingPercentEncoding ?? raw
        guard name.utf8.count <= 200 else { throw ScimError.notFound("No such identity attribute.") }
        return name
    }

    private static func actor(_ user: ConsoleUser) -> String {
        user.principal.apiKeyID.map { "apikey:\($0)" } ?? "admin"
    }
}
