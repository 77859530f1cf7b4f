"""a residential saving-rate check's demands and level (GB/T 51350 Table 5.0.2), judged from
the design's ideal loads without a reference building

Revision ID: residential_demands
Revises: output_tally_base_url
Create Date: 2026-12-05 03:40:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = 'residential_demands'
down_revision = 'output_tally_base_url'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('check_residential_demands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('heating_kwh', sa.Float(), nullable=False),
    sa.Column('cooling_kwh', sa.Float(), nullable=False),
    sa.Column('conditioned_area_m2', sa.Float(), nullable=False),
    sa.Column('heating_demand_kwh_m2', sa.Float(), nullable=False),
    sa.Column('cooling_demand_kwh_m2', sa.Float(), nullable=False),
    sa.Column('wdh20_kkh', sa.Float(), nullable=False),
    sa.Column('ddh28_kkh', sa.Float(), nullable=False),
    sa.Column('exterior_area_m2', sa.Float(), nullable=False),
    sa.Column('volume_m3', sa.Float(), nullable=False),
    sa.Column('shape_coefficient', sa.Float(), nullable=True),
    sa.Column('n50_declared', sa.Float(), nullable=True),
    sa.Column('renewable_kwh', sa.Float(), nullable=False),
    sa.Column('renewable_pct', sa.Float(), nullable=True),
    sa.Column('level_met', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('judgement', sa.JSON(), nullable=True),
    sa.Column('parameters', sa.JSON(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['check_id'], ['checks.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('check_id', name='uq_check_residential_demands_check_id')
    )
    with op.batch_alter_table('check_residential_demands', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_residential_demands_check_id'), ['check_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('check_residential_demands', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_residential_demands_check_id'))
    op.drop_table('check_residential_demands')
