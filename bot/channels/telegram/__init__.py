"""The Telegram channel: python-telegram-bot over the coach."""
