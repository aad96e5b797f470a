"""The console (aiohttp): the worker's chat page now; staff desk and admin later."""
