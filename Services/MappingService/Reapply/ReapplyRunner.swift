import Foundation
import IdentityMapping
import InternalAPI
import Logging
import Persistence
import ScimCore
import ServiceLifecycle

/// Runs re-apply jobs one at a time, in bounded batches, saving progress after each batch. At start it resumes
/// every job a previous process left pending or running; a graceful shutdown stops between batches and leaves
/// the job to the next start.
///
/// With several mapping replicas on one database, a runner holds a lease on the job it runs (renewed before every
/// batch, ``leaseDuration`` seconds long): another replica leaves the job alone, and its periodic sweep (every
/// ``sweepInterval``) takes the job over once the lease has run out (its holder stopped mid-job).
final class ReapplyRunner<Store: MappingStore>: Service {
    struct Ticket: Sendable {
        var tenantID: String
        var idpID: String
        var id: String
    }
    private enum Work: Sendable {
        case job(Ticket)
        /// Every unfinished job nobody holds a live lease on (at start, then every `sweepInterval`).
        case sweep
    }

    let store: Store
    let directory: any MappingDirectory
    let batchSize: Int
    /// How long a job waits before its first batch: the time gateway replicas may still map with the old rules
    /// (``MapperCache/ttl``), so that no write mapped with them lands after the job has passed its user.
    let settleDelay: Duration
    let leaseDuration: TimeInterval = 60
    /// This runner's name on the leases it holds.
    let owner = UUID().uuidString
    let sweepInterval: Duration
    let logger: Logger
    private let work: AsyncStream<Work>
    private let continuation: AsyncStream<Work>.Continuation

    init(
        store: Store,
        directory: any MappingDirectory,
        batchSize: Int = 100,
        settleDelay: Duration = .zero,
        sweepInterval: Duration = .seconds(60),
        logger: Logger
    ) {
        self.store = store
        self.directory = directory
        self.batchSize = batchSize
        self.settleDelay = settleDelay
        self.sweepInterval = sweepInterval
        self.logger = logger
        (work, continuation) = AsyncStream.makeStream(of: Work.self)
    }

    /// Queues a job the store already holds.
    func enqueue(_ job: ReapplyJob) {
        continuation.yield(.job(Ticket(tenantID: job.tenantID, idpID: job.idpID, id: job.id)))
    }

    func run() async throws {
        let continuation = self.continuation
        let sweepInterval = self.sweepInterval
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                continuation.yield(.sweep)  // resume what a previous process left
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: sweepInterval)
                        continuation.yield(.sweep)
                    }
                }
                for await item in work {
                    guard !Task.isShuttingDownGracefully else { break }
                    switch item {
                    case .job(let ticket): await process(ticket.tenantID, ticket.idpID, ticket.id)
                    case .sweep: await sweep()
                    }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
    }

    /// Runs every unfinished job that no live lease holds: jobs of a previous process, or of a replica that stopped.
    private func sweep() async {
        guard let unfinished = try? await store.unfinishedJobs() else { return }
        for record in unfinished where !Task.isShuttingDownGracefully {
            await process(record.job.tenantID, record.job.idpID, record.job.id)
        }
    }

    /// Runs one job to its end (or to shutdown), holding its lease. Errors reaching the directory are retried with a
    /// backoff; a job the directory keeps refusing is marked failed.
    private func process(_ tenantID: String, _ idpID: String, _ id: String) async {
        var attempts = 0
        var settled = settleDelay == .zero
        var announced = false
        while !Task.isShuttingDownGracefully {
            do {
                guard var record = try await store.job(tenantID: tenantID, idpID: idpID, id: id), !record.job.isFinished else { return }
                let now = Date()
                guard
                    try await store.claimJob(
                        id: id,
                        owner: owner,
                        until: Timestamp.string(from: now.addingTimeInterval(leaseDuration)),
                        now: Timestamp.string(from: now)
                    )
                else {
                    logger.debug("Re-apply job is held by another runner", metadata: ["job": "\(id)"])
                    return
                }
                if !settled {  // first batch of this run: let the gateways' rule caches expire, then read the job again
                    settled = true
                    try? await Task.sleep(for: settleDelay)
                    continue
                }
                if !announced, record.job.done + record.job.failed > 0 || record.cursor != nil {  // once: a job taken over midway
                    announced = true
                    logger.info("Resuming re-apply job", metadata: ["job": "\(id)", "done": "\(record.job.done)"])
                }
                try await step(&record)
                attempts = 0
                if record.job.isFinished { return }
            } catch {
                attempts += 1
                logger.warning("Re-apply batch failed", metadata: ["job": "\(id)", "attempt": "\(attempts)", "error": "\(error)"])
                if attempts >= 8 {
                    await finish(tenantID, idpID, id, detail: "The directory could not be reached: \(error)")
                    return
                }
                try? await Task.sleep(for: .milliseconds(250 * (1 << min(attempts, 5))))
            }
        }
    }

    /// One batch: re-map each user of the page with the IdP's current rules and store the identity.
    private func step(_ record: inout ReapplyJobRecord) async throws {
        let job = record.job
        var logger = self.logger
        logger[metadataKey: "job"] = .string(job.id)
        let mapper = try await MapperResolver(store: store).mapper(tenantID: job.tenantID, idpID: job.idpID)
        let page = try await directory.users(tenantID: job.tenantID, idpID: job.idpID, cursor: record.cursor ?? "", count: batchSize, logger: logger)
        var failures: [String] = []
        for user in page.resources {
            do {
                let identity = try mapper.mapProvisioned(user.resource)
                try await directory.setIdentity(tenantID: job.tenantID, idpID: job.idpID, userID: user.id, identity: identity, logger: logger)
                record.job.done += 1
            } catch let error as ScimError where error.status == 400 {
                record.job.failed += 1
                failures.append("\(user.id): \(error.detail)")
            } catch let error as ScimError where error.status == 404 {
                record.job.done += 1  // deleted since the page was read: nothing to re-map
            }
        }
        if record.job.detail == nil, let first = failures.first { record.job.detail = "First refused user \(first)" }
        record.job.state = page.nextCursor == nil ? .completed : .running
        record.job.total = page.nextCursor == nil ? record.job.done + record.job.failed : max(page.totalResults, record.job.done + record.job.failed)
        record.job.updatedAt = Timestamp.now()
        record.cursor = page.nextCursor
        try await store.updateJob(record)
        if record.job.isFinished {
            logger.info("Re-apply job finished", metadata: ["done": "\(record.job.done)", "failed": "\(record.job.failed)"])
            await directory.report(
                MappingEvent(
                    tenantID: job.tenantID,
                    idpID: job.idpID,
                    actor: job.actor,
                    action: "reapply.completed",
                    subject: job.id,
                    detail: "\(record.job.done) re-mapped, \(record.job.failed) refused"
                ),
                logger: logger
            )
        }
    }

    private func finish(_ tenantID: String, _ idpID: String, _ id: String, detail: String) async {
        guard var record = try? await store.job(tenantID: tenantID, idpID: idpID, id: id) else { return }
        record.job.state = .failed
        record.job.detail = detail
        record.job.updatedAt = Timestamp.now()
        try? await store.updateJob(record)
    }
}
