"""Page texts of the second factor and the profile page (Chinese, English)."""

from safety import i18n

i18n.register(
    {
        "nav.profile": ("个人资料", "Profile"),
        "nav.me": ("我的", "Me"),
        "profile.title": ("个人资料", "My profile"),
        "totp.title": ("两步验证", "Two-factor login"),
        "totp.intro": (
            "启用后，登录时除密码外还须输入手机验证器应用（如 Microsoft Authenticator、"
            "Google Authenticator、FreeOTP）生成的6位动态验证码。",
            "Once on, logging in needs the password and a 6-digit code from an "
            "authenticator app on your phone (Microsoft Authenticator, Google "
            "Authenticator, FreeOTP, ...).",
        ),
        "totp.on": ("已启用", "On"),
        "totp.off": ("未启用", "Off"),
        "totp.since": ("启用时间", "Since"),
        "totp.required": (
            "您的角色须使用两步验证。",
            "Your role requires two-factor login.",
        ),
        "totp.start": ("启用两步验证", "Turn on two-factor login"),
        "totp.reenrol": ("更换手机（重新绑定）", "New phone: enrol again"),
        "totp.pending": (
            "待确认：扫描二维码后输入验证码。确认前原有设置不变。",
            "Waiting for confirmation: scan the code, then enter a code. Until then "
            "nothing changes.",
        ),
        "totp.scan": (
            "用验证器应用扫描二维码，或手动输入密钥：",
            "Scan the QR code with your authenticator app, or type in the key:",
        ),
        "totp.qr_alt": ("两步验证二维码", "Two-factor QR code"),
        "totp.code": ("验证码", "Code"),
        "totp.code_hint": ("验证器应用显示的6位数字", "The 6 digits your app shows"),
        "totp.confirm": ("确认启用", "Confirm"),
        "totp.codes_title": ("恢复码", "Recovery codes"),
        "totp.codes_once": (
            "请立即抄写或打印并妥善保管。手机丢失时，每个恢复码可代替验证码登录一次。"
            "离开此页面后不再显示。",
            "Write them down or print them now and keep them safe. If you lose your "
            "phone, each code logs you in once instead of a code. They are not shown again.",
        ),
        "totp.codes_left": ("剩余恢复码：{n} 个", "Recovery codes left: {n}"),
        "totp.disable": ("关闭两步验证", "Turn off two-factor login"),
        "totp.disable_hint": (
            "请输入当前验证码或一个恢复码",
            "Enter a current code or a recovery code",
        ),
        "totp.wrong_code": ("验证码错误、已过期或已使用", "Wrong, expired or already used code"),
        "totp.cannot_disable": (
            "无法关闭：您的角色要求两步验证（可重新绑定），或尚未启用。",
            "Cannot turn it off: your role requires it (enrol again instead), or it is not on.",
        ),
        "totp.done.disabled": ("两步验证已关闭", "Two-factor login is off"),
        "totp.done.enrol": (
            "请用验证器应用扫描二维码，并输入验证码完成启用",
            "Scan the QR code with your app and enter a code to finish",
        ),
        "login.otp_title": ("两步验证", "Two-factor check"),
        "login.otp_prompt": (
            "请输入验证器应用中的6位验证码，或一个恢复码。",
            "Enter the 6-digit code from your authenticator app, or a recovery code.",
        ),
        "login.otp_label": ("验证码或恢复码", "Code or recovery code"),
        "login.otp_submit": ("验证", "Verify"),
        "login.restart": ("重新登录", "Start again"),
        "login.enrol_title": ("启用两步验证", "Set up two-factor login"),
        "login.enrol_prompt": (
            "{name}，您的角色须使用两步验证，完成绑定后才能使用系统。",
            "{name}, your role requires two-factor login: set it up to continue.",
        ),
        "login.continue": ("我已保存，继续", "I have saved them, continue"),
        "users.totp": ("两步验证", "Two-factor login"),
        "users.totp_reset": ("重置两步验证", "Reset second factor"),
        "users.totp_reset_hint": (
            "用户手机丢失时使用：清除其两步验证和恢复码，并结束其所有登录。此操作记入审计日志。",
            "For a lost phone: removes the user's second factor and recovery codes and ends "
            "all their logins. The reset is audited.",
        ),
    }
)
