"""Reliability checks (fuzzed files, kill -9 during report writes, concurrent chats, security)."""
