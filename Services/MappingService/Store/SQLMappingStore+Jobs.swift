import Foundation
import InternalAPI
import Persistence
import SQLKit

/// Re-apply jobs: one row per job, progress saved after every batch so a restart resumes where it stopped.
extension SQLMappingStore {
    func insertJob(_ job: ReapplyJob, event: MappingEvent) async throws {
        try await storage.write { database in
            try await database.raw(
                """
                INSERT INTO reapply_jobs (id, tenant_id, idp_id, state, total, done, failed, cursor, detail, actor, created_at, updated_at)
                VALUES (\(bind: job.id), \(bind: job.tenantID), \(bind: job.idpID), \(bind: job.state.rawValue), \(bind: job.total), \(bind: job.done),
                        \(bind: job.failed), NULL, \(bind: job.detail), \(bind: job.actor), \(bind: job.createdAt), \(bind: job.updatedAt))
                """
            ).run()
            try await Self.record(event, in: database)
        }
    }

    func job(tenantID: String, idpID: String, id: String) async throws -> ReapplyJobRecord? {
        try await storage.read { database in
            try await database.raw(
                "SELECT * FROM reapply_jobs WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) AND id = \(bind: id)"
            ).first().map(Self.jobRecord)
        }
    }

    func unfinishedJob(tenantID: String, idpID: String) async throws -> ReapplyJob? {
        try await storage.read { database in
            try await database.raw(
                "SELECT * FROM reapply_jobs WHERE tenant_id = \(bind: tenantID) AND idp_id = \(bind: idpID) AND state IN ('pending', 'running') ORDER BY created_at LIMIT 1"
            ).first().map(Self.jobRecord)?.job
        }
    }

    func unfinishedJobs() async throws -> [ReapplyJobRecord] {
        try await storage.read { database in
            try await database.raw("SELECT * FROM reapply_jobs WHERE state IN ('pending', 'running') ORDER BY created_at, id").all().map(
                Self.jobRecord
            )
        }
    }

    func claimJob(id: String, owner: String, until: String, now: String) async throws -> Bool {
        try await storage.write { database in
            // One conditional UPDATE: a second replica's claim waits for the first's row lock, then matches no row.
            try await database.raw(
                """
                UPDATE reapply_jobs SET lease_owner = \(bind: owner), lease_until = \(bind: until)
                WHERE id = \(bind: id) AND state IN ('pending', 'running')
                    AND (lease_owner IS NULL OR lease_owner = \(bind: owner) OR lease_until < \(bind: now))
                RETURNING id
                """
            ).first() != nil
        }
    }

    func updateJob(_ record: ReapplyJobRecord) async throws {
        let job = record.job
        try await storage.write { database in
            try await database.raw(
                """
                UPDATE reapply_jobs SET state = \(bind: job.state.rawValue), total = \(bind: job.total), done = \(bind: job.done),
                    failed = \(bind: job.failed), cursor = \(bind: record.cursor), detail = \(bind: job.detail), updated_at = \(bind: job.updatedAt)
                WHERE id = \(bind: job.id) AND state IN ('pending', 'running')
                """
            ).run()
        }
    }

    private static func jobRecord(_ row: any SQLRow) throws -> ReapplyJobRecord {
        ReapplyJobRecord(
            job: ReapplyJob(
                id: try row.decode(column: "id", as: String.self),
                tenantID: try row.decode(column: "tenant_id", as: String.self),
                idpID: try row.decode(column: "idp_id", as: String.self),
                state: ReapplyJob.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .failed,
                total: try row.decode(column: "total", as: Int.self),
                done: try row.decode(column: "done", as: Int.self),
                failed: try row.decode(column: "failed", as: Int.self),
                detail: try row.decode(column: "detail", as: String?.self),
                actor: try row.decode(column: "actor", as: String.self),
                createdAt: try row.decode(column: "created_at", as: String.self),
                updatedAt: try row.decode(column: "updated_at", as: String.self)
            ),
            cursor: try row.decode(column: "cursor", as: String?.self)
        )
    }
}
