"""saving-rate checks: the reference building's parameters as versioned data, and each
check's reference run and rates (GB/T 51350)

Revision ID: saving_reference_parameters
Revises: metered_years
Create Date: 2026-12-04 23:55:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = 'saving_reference_parameters'
down_revision = 'metered_years'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('saving_parameters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('standard', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('clause', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('source_status', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('superseded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key', 'version', name='uq_saving_parameters_key_version')
    )
    with op.batch_alter_table('saving_parameters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saving_parameters_key'), ['key'], unique=False)
        batch_op.create_index(batch_op.f('ix_saving_parameters_superseded_at'), ['superseded_at'], unique=False)

    op.create_table('check_saving_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('reference_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('design_kwh', sa.Float(), nullable=False),
    sa.Column('reference_kwh', sa.Float(), nullable=False),
    sa.Column('renewable_kwh', sa.Float(), nullable=False),
    sa.Column('itself_pct', sa.Float(), nullable=False),
    sa.Column('comprehensive_pct', sa.Float(), nullable=False),
    sa.Column('renewable_pct', sa.Float(), nullable=False),
    sa.Column('level_met', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('n50_declared', sa.Float(), nullable=True),
    sa.Column('n50_max', sa.Float(), nullable=True),
    sa.Column('end_uses', sa.JSON(), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=True),
    sa.Column('parameters', sa.JSON(), nullable=True),
    sa.Column('reference_unmet_heating_hours', sa.Float(), nullable=True),
    sa.Column('reference_unmet_cooling_hours', sa.Float(), nullable=True),
    sa.Column('reference_run_seconds', sa.Float(), nullable=True),
    sa.Column('reference_err', sa.JSON(), nullable=True),
    sa.Column('reference_validity', sa.JSON(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['check_id'], ['checks.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('check_id', name='uq_check_saving_rates_check_id')
    )
    with op.batch_alter_table('check_saving_rates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_saving_rates_check_id'), ['check_id'], unique=False)

    op.create_table('record_saving_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('cited_by_id', sa.Integer(), nullable=True),
    sa.Column('cited_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['check_id'], ['checks.id'], ),
    sa.ForeignKeyConstraint(['cited_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['record_id'], ['certificates.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('record_id', name='uq_record_saving_evidence_record_id')
    )
    with op.batch_alter_table('record_saving_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_saving_evidence_check_id'), ['check_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_record_saving_evidence_record_id'), ['record_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('record_saving_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_saving_evidence_record_id'))
        batch_op.drop_index(batch_op.f('ix_record_saving_evidence_check_id'))
    op.drop_table('record_saving_evidence')
    with op.batch_alter_table('check_saving_rates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_saving_rates_check_id'))
    op.drop_table('check_saving_rates')
    with op.batch_alter_table('saving_parameters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saving_parameters_superseded_at'))
        batch_op.drop_index(batch_op.f('ix_saving_parameters_key'))
    op.drop_table('saving_parameters')
