"""Logins: the second factor (TOTP with recovery codes, through django-otp), idle
session expiry, the password reset throttle and the password rules."""
