"""Initial schema of the compliance store; the audit table is made append-only by triggers.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create every table, the chain head row and the append-only triggers."""
    op.create_table('api_keys',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('revoked_at', sa.String(length=32), nullable=True),
    sa.Column('revoked_by', sa.String(length=200), nullable=True),
    sa.Column('last_used_at', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash')
    )
    op.create_table('attachments',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('audit_records',
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=True),
    sa.Column('verdict', sa.String(length=20), nullable=True),
    sa.Column('data_version', sa.String(length=80), nullable=True),
    sa.Column('rules_version', sa.String(length=80), nullable=True),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('record_id')
    )
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_records_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_records_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_records_subject'), ['subject'], unique=False)

    op.create_table('counterparties',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('keys', sa.Text(), nullable=True),
    sa.Column('keys_version', sa.String(length=16), nullable=True),
    sa.Column('first_seen', sa.String(length=32), nullable=False),
    sa.Column('last_seen', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash')
    )
    op.create_table('data_blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )
    op.create_table('list_versions',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('version', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('source_kind', sa.String(length=20), nullable=False),
    sa.Column('parent_seq', sa.Integer(), nullable=True),
    sa.Column('data_date', sa.String(length=10), nullable=True),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('version')
    )
    op.create_table('settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('shipments',
    sa.Column('shipment_id', sa.String(length=200), nullable=False),
    sa.Column('shipment_date', sa.String(length=10), nullable=False),
    sa.Column('verdict', sa.String(length=20), nullable=False),
    sa.Column('latest_seq', sa.BigInteger(), nullable=False),
    sa.Column('data_version', sa.String(length=80), nullable=False),
    sa.Column('input', sa.Text(), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('first_screened_at', sa.String(length=32), nullable=False),
    sa.Column('last_screened_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('shipment_id')
    )
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipments_last_screened_at'), ['last_screened_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipments_shipment_date'), ['shipment_date'], unique=False)

    op.create_table('whitelist',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('counterparty_key_hash', sa.String(length=64), nullable=False),
    sa.Column('counterparty_key', sa.Text(), nullable=False),
    sa.Column('counterparty_name', sa.Text(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('entry_id', sa.String(length=200), nullable=False),
    sa.Column('list_id', sa.String(length=12), nullable=False),
    sa.Column('entry_name', sa.Text(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('ended_at', sa.String(length=32), nullable=True),
    sa.Column('ended_by', sa.String(length=200), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('whitelist', schema=None) as batch_op:
        batch_op.create_index('ix_whitelist_lookup', ['status', 'counterparty_key_hash', 'entry_id'], unique=False)

    op.create_table('alerts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('dedupe_key', sa.String(length=64), nullable=False),
    sa.Column('shipment_id', sa.String(length=200), nullable=True),
    sa.Column('counterparty_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=True),
    sa.Column('party_index', sa.Integer(), nullable=False),
    sa.Column('party_name', sa.Text(), nullable=True),
    sa.Column('party_country', sa.String(length=2), nullable=True),
    sa.Column('entry_id', sa.String(length=200), nullable=True),
    sa.Column('list_id', sa.String(length=12), nullable=True),
    sa.Column('entry_name', sa.Text(), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('hit_decision', sa.String(length=10), nullable=True),
    sa.Column('verdict', sa.String(length=20), nullable=True),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('data_version', sa.String(length=80), nullable=False),
    sa.Column('opened_seq', sa.BigInteger(), nullable=False),
    sa.Column('opened_at', sa.String(length=32), nullable=False),
    sa.Column('opened_by', sa.String(length=200), nullable=False),
    sa.Column('decided_at', sa.String(length=32), nullable=True),
    sa.Column('decided_by', sa.String(length=200), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_seq', sa.BigInteger(), nullable=True),
    sa.Column('attachment_sha256', sa.String(length=64), nullable=True),
    sa.Column('attachment_name', sa.Text(), nullable=True),
    sa.Column('whitelist_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['attachment_sha256'], ['attachments.sha256'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alerts_counterparty_id'), ['counterparty_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_dedupe_key'), ['dedupe_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_shipment_id'), ['shipment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_status'), ['status'], unique=False)
        batch_op.create_index('ix_alerts_status_shipment', ['status', 'shipment_id'], unique=False)

    op.create_table('list_version_files',
    sa.Column('version_seq', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['sha256'], ['data_blobs.sha256'], ),
    sa.ForeignKeyConstraint(['version_seq'], ['list_versions.seq'], ),
    sa.PrimaryKeyConstraint('version_seq', 'name')
    )
    op.create_table('shipment_hits',
    sa.Column('shipment_id', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('party_index', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.String(length=200), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.shipment_id'], ),
    sa.PrimaryKeyConstraint('shipment_id', 'role', 'party_index', 'entry_id')
    )
    with op.batch_alter_table('shipment_hits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipment_hits_entry_id'), ['entry_id'], unique=False)

    op.create_table('shipment_parties',
    sa.Column('shipment_id', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('party_index', sa.Integer(), nullable=False),
    sa.Column('counterparty_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['counterparty_id'], ['counterparties.id'], ),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.shipment_id'], ),
    sa.PrimaryKeyConstraint('shipment_id', 'role', 'party_index')
    )
    with op.batch_alter_table('shipment_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipment_parties_counterparty_id'), ['counterparty_id'], unique=False)

    op.create_table('version_entries',
    sa.Column('version_seq', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.String(length=200), nullable=False),
    sa.Column('list_id', sa.String(length=12), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['version_seq'], ['list_versions.seq'], ),
    sa.PrimaryKeyConstraint('version_seq', 'entry_id')
    )

    audit_head = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("seq", sa.BigInteger), sa.column("hash", sa.String))
    op.bulk_insert(audit_head, [{"id": 1, "seq": 0, "hash": "0" * 64}])
    _append_only_triggers()


APPEND_ONLY_MESSAGE = "audit_records is append-only: records cannot be changed or deleted"


def _append_only_triggers() -> None:
    """Refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE) of audit records."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_records_no_{action.lower()} BEFORE {action} ON audit_records "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION dualuse_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END; $$"
        )
        op.execute(
            "CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records "
            "FOR EACH ROW EXECUTE FUNCTION dualuse_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records "
            "FOR EACH STATEMENT EXECUTE FUNCTION dualuse_append_only()"
        )


def _drop_append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_records_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_records_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_records_append_only ON audit_records")
        op.execute("DROP TRIGGER IF EXISTS audit_records_no_truncate ON audit_records")
        op.execute("DROP FUNCTION IF EXISTS dualuse_append_only()")


def downgrade() -> None:
    """Drop the triggers and every table (destroys the records: never run it on a live database)."""
    _drop_append_only_triggers()
    op.drop_table('version_entries')
    with op.batch_alter_table('shipment_parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_parties_counterparty_id'))

    op.drop_table('shipment_parties')
    with op.batch_alter_table('shipment_hits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_hits_entry_id'))

    op.drop_table('shipment_hits')
    op.drop_table('list_version_files')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_alerts_status_shipment')
        batch_op.drop_index(batch_op.f('ix_alerts_status'))
        batch_op.drop_index(batch_op.f('ix_alerts_shipment_id'))
        batch_op.drop_index(batch_op.f('ix_alerts_entry_id'))
        batch_op.drop_index(batch_op.f('ix_alerts_dedupe_key'))
        batch_op.drop_index(batch_op.f('ix_alerts_counterparty_id'))

    op.drop_table('alerts')
    with op.batch_alter_table('whitelist', schema=None) as batch_op:
        batch_op.drop_index('ix_whitelist_lookup')

    op.drop_table('whitelist')
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipments_shipment_date'))
        batch_op.drop_index(batch_op.f('ix_shipments_last_screened_at'))

    op.drop_table('shipments')
    op.drop_table('settings')
    op.drop_table('list_versions')
    op.drop_table('data_blobs')
    op.drop_table('counterparties')
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_records_subject'))
        batch_op.drop_index(batch_op.f('ix_audit_records_kind'))
        batch_op.drop_index(batch_op.f('ix_audit_records_created_at'))

    op.drop_table('audit_records')
    op.drop_table('audit_head')
    op.drop_table('attachments')
    op.drop_table('api_keys')
