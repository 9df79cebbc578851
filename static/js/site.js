// Small progressive enhancements. Everything here is optional: pages work without JavaScript.
