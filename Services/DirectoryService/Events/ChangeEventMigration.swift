import Persistence

extension DirectoryMigrations {
    /// Tenants created before the change events get their numbering row (a new tenant gets it in its own
    /// transaction, ``ChangeEventOutbox/createSequence(tenantID:in:)``); identity providers get the
    /// `groupsEditable` setting (README "Externally managed groups"), off.
    static let v4 = Migration(version: 4, name: "change-event-sequences-of-existing-tenants-and-editable-groups") { _ in
        [
            """
            INSERT INTO change_event_sequences (tenant_id, last_sequence, pruned_through)
            SELECT id, 0, 0 FROM tenants WHERE id NOT IN (SELECT tenant_id FROM change_event_sequences)
            """,
            "ALTER TABLE identity_providers ADD COLUMN groups_editable BOOLEAN NOT NULL DEFAULT FALSE",
        ]
    }
}
