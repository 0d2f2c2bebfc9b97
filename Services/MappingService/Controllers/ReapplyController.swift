import Foundation
import Hummingbird
import InternalAPI
import Logging
import Persistence
import ScimCore
import ServiceKit

/// Internal API for re-apply jobs: start one for an IdP (one at a time per IdP), read its progress.
struct ReapplyController<Store: MappingStore> {
    let store: Store
    let runner: ReapplyRunner<Store>
    let directory: any MappingDirectory

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post("tenants/:tenant/idps/:idp/reapply", use: start)
        group.get("tenants/:tenant/idps/:idp/reapply/:job", use: job)
    }

    /// 202 with a new pending job, or 200 with the IdP's job that is still pending or running.
    @Sendable func start(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let idpID = try context.parameters.require("idp")
        let body = try await JSONCoding.decode(ReapplyJobRequest.self, from: request, context: context)
        guard try await store.identityProvider(tenantID: tenantID, idpID: idpID) != nil else {
            throw ScimError.notFound("Identity provider '\(idpID)' is not registered with the mapping service.")
        }
        if let running = try await store.unfinishedJob(tenantID: tenantID, idpID: idpID) {
            return JSONCoding.response(running)
        }
        let now = Timestamp.now()
        let job = ReapplyJob(
            id: UUID().uuidString.lowercased(),
            tenantID: tenantID,
            idpID: idpID,
            state: .pending,
            total: 0,
            done: 0,
            failed: 0,
            detail: nil,
            actor: body.actor ?? "admin",
            createdAt: now,
            updatedAt: now
        )
        let event = MappingEvent(tenantID: tenantID, idpID: idpID, actor: job.actor, action: "reapply.started", subject: job.id, detail: nil)
        try await store.insertJob(job, event: event)
        runner.enqueue(job)
        await directory.report(event, logger: context.logger)
        return JSONCoding.response(job, status: .accepted)
    }

    @Sendable func job(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let idpID = try context.parameters.require("idp")
        let id = try context.parameters.require("job")
        guard let record = try await store.job(tenantID: tenantID, idpID: idpID, id: id) else {
            throw ScimError.notFound("Re-apply job '\(id)' not found for identity provider '\(idpID)'.")
        }
        return JSONCoding.response(record.job)
    }
}
