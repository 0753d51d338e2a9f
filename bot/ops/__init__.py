"""Operations: the database schema for operators, the bot's heartbeat, and the health check."""
