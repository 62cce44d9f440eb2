"""Kernel tables: org units, enterprises, agencies, users, sessions, campaigns, batches,
attachments, audit events, idempotency records.

Records of the past are never cascaded away: every foreign key restricts deletion.
"""

from __future__ import annotations

from enum import Enum

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

RESTRICT = OnDelete.restrict


class OrgUnitKind(str, Enum):
    district = "district"
    street = "street"  # 街道
    community = "community"  # 社区
    grid = "grid"  # 网格


class Role(str, Enum):
    admin = "admin"
    officer = "officer"  # 街道安全监管员
    inspector = "inspector"  # 第三方专家
    enterprise = "enterprise"  # 企业联系人
    grid_worker = "grid_worker"  # 网格员: linked to a grid or a community


class Scale(str, Enum):
    above_scale = "above_scale"  # 规上
    small = "small"
    micro = "micro"  # 小微


class StandardisationLevel(str, Enum):
    none = "none"
    level3 = "level3"  # 三级
    level2 = "level2"  # 二级
    level1 = "level1"  # 一级


class RiskColour(str, Enum):
    red = "red"  # 重大风险
    orange = "orange"  # 较大风险
    yellow = "yellow"  # 一般风险
    blue = "blue"  # 低风险


class CampaignKind(str, Enum):
    special_rectification = "special_rectification"  # 专项整治
    seasonal = "seasonal"  # 季节性大检查
    third_party = "third_party"  # 第三方专家排查
    routine = "routine"  # 日常检查


class AttachmentKind(str, Enum):
    scene = "scene"  # 现场
    problem = "problem"  # 问题 (before)
    rectified = "rectified"  # 整改 (after)
    recheck = "recheck"  # 复查
    signature = "signature"  # 签字
    document = "document"


class RiskMethod(str, Enum):
    lec = "LEC"
    ls = "LS"


class ControlTier(str, Enum):
    company = "company"
    workshop = "workshop"
    team = "team"
    post = "post"


class OrgUnit(Table, tablename="org_unit"):
    """区 › 街道 › 社区 › 网格. ``path`` is the materialised ancestry ("/1/4/17/") so a
    subtree is one indexed prefix match, for scope checks and filters."""

    name = Varchar(length=100, required=True)
    kind = Varchar(length=16, choices=OrgUnitKind, required=True)
    parent: ForeignKey[OrgUnit] = ForeignKey("self", on_delete=RESTRICT, null=True, index=True)
    code = Varchar(length=32, null=True, default=None)
    path = Varchar(length=255, default="", index=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Agency(Table, tablename="agency"):
    """第三方安全服务机构."""

    name = Varchar(length=200, required=True, unique=True)
    contact_name = Varchar(length=50, null=True, default=None)
    contact_phone = Varchar(length=32, null=True, default=None)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Enterprise(Table, tablename="enterprise"):
    """企业. ``uscc`` = 统一社会信用代码; ``uscc_flagged`` marks a code that fails the
    GB 32100 check but was confirmed by an officer (early pilot codes)."""

    name = Varchar(length=200, required=True, index=True)
    uscc = Varchar(length=18, required=True, unique=True)
    uscc_flagged = Boolean(default=False)
    industry = Varchar(length=1, null=True, default=None, index=True)  # GB/T 4754 A–T
    industry_detail = Varchar(length=200, null=True, default=None)
    scale = Varchar(length=16, choices=Scale, default=Scale.small)
    address = Varchar(length=300, null=True, default=None)
    org_unit = ForeignKey(OrgUnit, on_delete=RESTRICT, null=True, index=True)
    legal_representative = Varchar(length=50, null=True, default=None)
    contact_name = Varchar(length=50, null=True, default=None)
    contact_phone = Varchar(length=32, null=True, default=None)
    is_key = Boolean(default=False, index=True)  # 重点企业
    standardisation_level = Varchar(
        length=8, choices=StandardisationLevel, default=StandardisationLevel.none
    )
    standardisation_date = Date(null=True, default=None)
    # Derived, never typed: the worst colour of the enterprise's active risk points (None:
    # 未评估), kept by inspections.risk.service in the same transaction as every risk point
    # write, so the registry's colour filter stays one indexed comparison.
    risk_colour = Varchar(length=8, choices=RiskColour, null=True, default=None, index=True)
    active = Boolean(default=True)
    version = Integer(default=1)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class User(Table, tablename="app_user"):
    """A person with one role. ``token_epoch`` rises when the user is disabled or the
    password changes; tokens carry the epoch they were issued under, so older ones die.
    ``username_key`` is the username's comparison key (safety.accounts.usernames: NFKC + full case
    folding), unique by an index, so ``Ädmin`` cannot be created beside ``ädmin``."""

    username = Varchar(length=64, required=True, unique=True)
    username_key = Varchar(length=255, default="")
    password_hash = Varchar(length=255, required=True)
    role = Varchar(length=16, choices=Role, required=True, index=True)
    display_name = Varchar(length=100, default="")
    enterprise = ForeignKey(Enterprise, on_delete=RESTRICT, null=True, index=True)
    org_unit = ForeignKey(OrgUnit, on_delete=RESTRICT, null=True, index=True)
    agency = ForeignKey(Agency, on_delete=RESTRICT, null=True, index=True)
    qualification = Varchar(length=100, null=True, default=None)  # e.g. 注册安全工程师 no.
    specialty = Varchar(length=100, null=True, default=None)
    phone = Varchar(length=32, null=True, default=None)
    email = Varchar(length=254, null=True, default=None)  # reminder digests, where set
    active = Boolean(default=True)
    token_epoch = Integer(default=0)
    password_changed_at = Timestamptz(default=TimestamptzNow())
    last_login_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)


class UserSession(Table, tablename="user_session"):
    """Server-side page session (shared by all workers). ``token_hash`` is a SHA-256 of the
    cookie value, so a leaked database does not leak live sessions."""

    token_hash = Varchar(length=64, required=True, unique=True)
    user = ForeignKey(User, on_delete=RESTRICT, null=False, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow())
    ip = Varchar(length=64, null=True, default=None)
    user_agent = Varchar(length=255, null=True, default=None)
    data = JSON(default="{}")


class UserTotp(Table, tablename="user_totp"):
    """A user's second factor (TOTP, RFC 6238). ``secret`` is the active secret and
    ``pending_secret`` one being enrolled (active once confirmed with a code); both are
    encrypted with a key derived from the secret key (safety.accounts.totp). ``last_timestep`` is
    the time step of the last code accepted, so a code cannot be used twice."""

    user = ForeignKey(User, on_delete=RESTRICT, null=False, unique=True)
    secret = Varchar(length=255, null=True, default=None)
    pending_secret = Varchar(length=255, null=True, default=None)
    confirmed_at = Timestamptz(null=True, default=None)
    last_timestep = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class TotpRecoveryCode(Table, tablename="totp_recovery_code"):
    """A single-use recovery code of a user's second factor; only its keyed hash is kept.
    ``used_at`` set: spent for good."""

    user = ForeignKey(User, on_delete=RESTRICT, null=False, index=True)
    code_hash = Varchar(length=64, required=True, unique=True)
    used_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class LoginAttempt(Table, tablename="login_attempt"):
    """Every login try, for the brute-force counter (kept in the database so all workers
    agree)."""

    username = Varchar(length=64, required=True, index=True)
    success = Boolean(default=False)
    at = Timestamptz(default=TimestamptzNow(), index=True)
    ip = Varchar(length=64, null=True, default=None)


class Campaign(Table, tablename="campaign"):
    """专项行动/检查活动 covering one street, with default rectification days per level."""

    name = Varchar(length=200, required=True)
    kind = Varchar(length=32, choices=CampaignKind, required=True)
    starts_on = Date(required=True)
    ends_on = Date(required=True)
    org_unit = ForeignKey(OrgUnit, on_delete=RESTRICT, null=False, index=True)
    general_deadline_days = Integer(default=15)
    major_deadline_days = Integer(default=60)
    description = Text(default="")
    created_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)


class CampaignEnterprise(Table, tablename="campaign_enterprise"):
    """An enterprise in a campaign's plan."""

    campaign = ForeignKey(Campaign, on_delete=RESTRICT, null=False, index=True)
    enterprise = ForeignKey(Enterprise, on_delete=RESTRICT, null=False, index=True)


class Batch(Table, tablename="batch"):
    """批次: part of a campaign, done by one agency / expert group in a window."""

    campaign = ForeignKey(Campaign, on_delete=RESTRICT, null=False, index=True)
    name = Varchar(length=200, required=True)
    agency = ForeignKey(Agency, on_delete=RESTRICT, null=True, index=True)
    starts_on = Date(required=True)
    ends_on = Date(required=True)
    created_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)


class BatchEnterprise(Table, tablename="batch_enterprise"):
    batch = ForeignKey(Batch, on_delete=RESTRICT, null=False, index=True)
    enterprise = ForeignKey(Enterprise, on_delete=RESTRICT, null=False, index=True)


class BatchInspector(Table, tablename="batch_inspector"):
    """An expert of the batch's group; ``is_lead`` marks the group leader (组长)."""

    batch = ForeignKey(Batch, on_delete=RESTRICT, null=False, index=True)
    user = ForeignKey(User, on_delete=RESTRICT, null=False, index=True)
    is_lead = Boolean(default=False)


class Attachment(Table, tablename="attachment"):
    """A photo or file. Content-addressed: ``sha256`` names the bytes on disk (several
    records may share them); ``owner_type``/``owner_id`` name the one record it belongs to."""

    sha256 = Varchar(length=64, required=True, index=True)
    content_type = Varchar(length=100, required=True)
    size = Integer(required=True)
    filename = Varchar(length=255, default="")
    kind = Varchar(length=16, choices=AttachmentKind, required=True)
    owner_type = Varchar(length=32, required=True)
    owner_id = Integer(required=True)
    width = Integer(null=True, default=None)
    height = Integer(null=True, default=None)
    has_thumbnail = Boolean(default=False)
    captured_at = Timestamptz(null=True, default=None)  # from EXIF where present
    uploaded_by = ForeignKey(User, on_delete=RESTRICT, null=True, index=True)
    uploaded_at = Timestamptz(default=TimestamptzNow())


class AuditEvent(Table, tablename="audit_event"):
    """Append-only audit trail. UPDATE/DELETE are refused by database triggers; ``chain``
    is HMAC(secret, previous chain ‖ this row's canonical content), so a changed or missing
    row breaks the chain from that row on (``safety audit verify``)."""

    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = ForeignKey(User, on_delete=RESTRICT, null=True, index=True)
    actor_username = Varchar(length=64, default="")
    actor_role = Varchar(length=16, default="")
    ip = Varchar(length=64, null=True, default=None)
    action = Varchar(length=64, required=True, index=True)
    object_type = Varchar(length=32, default="", index=True)
    object_id = Integer(null=True, default=None, index=True)
    before = JSON(null=True, default=None)
    after = JSON(null=True, default=None)
    success = Boolean(default=True)
    chain = Varchar(length=64, default="")


class IdempotencyRecord(Table, tablename="idempotency_record"):
    """The first result of a write sent with an ``Idempotency-Key`` (kept 24 h).
    ``status_code`` 0 marks a claim whose write is still running; ``fingerprint`` is the
    SHA-256 of the method, path and body, so a reused key with another body is refused."""

    user = ForeignKey(User, on_delete=RESTRICT, null=False, index=True)
    key = Varchar(length=128, required=True)
    method = Varchar(length=8, required=True)
    path = Varchar(length=255, required=True)
    status_code = Integer(required=True)
    body = JSON(default="null")
    fingerprint = Varchar(length=64, default="")
    created_at = Timestamptz(default=TimestamptzNow(), index=True)


class Notification(Table, tablename="notification"):
    """站内消息: an in-app notification of one user (the bell). A state change notifies the
    people it concerns; ``safety remind`` leaves one digest per person and day, whose
    ``dedupe_key`` (unique) makes a second run that day a no-op."""

    user = ForeignKey(User, on_delete=RESTRICT, null=False, index=True)
    kind = Varchar(length=32, required=True)  # e.g. hazard.verify_failed, reminder.digest
    title = Varchar(length=200, required=True)
    body = Text(default="")
    link = Varchar(length=255, default="")  # a page path of this site
    object_type = Varchar(length=32, default="")
    object_id = Integer(null=True, default=None)
    dedupe_key = Varchar(length=128, null=True, default=None, unique=True)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    read_at = Timestamptz(null=True, default=None)

    @classmethod
    async def unread_count(cls, user_id: int) -> int:
        """The layout's bell: the user's unread notifications."""
        return await cls.count().where((cls.user == user_id) & cls.read_at.is_null()).run()


class NotificationDelivery(Table, tablename="notification_delivery"):
    """One attempt to deliver a notification outside the app (e-mail, group-robot webhook):
    failures stay visible to admins and are retried by the next ``safety remind``."""

    notification = ForeignKey(Notification, on_delete=RESTRICT, null=False, index=True)
    channel = Varchar(length=16, required=True)  # email / webhook
    target = Varchar(length=255, default="")
    status = Varchar(length=16, required=True, index=True)  # sent / failed
    attempts = Integer(default=1)
    error = Text(default="")
    at = Timestamptz(default=TimestamptzNow())
