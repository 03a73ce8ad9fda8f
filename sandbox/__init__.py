"""A local stand-in for the Telegram Bot API, with scripted phones and a control API.

``server`` (the aiohttp app and ``Sandbox``), ``bot_api`` (what each method does),
``spec`` (Bot API 10.0 checks), ``limits`` (prose limits and flood control), ``faults``,
``state`` (what is remembered, persistable), ``files``, ``images``, ``formatting``,
``users`` (the user side), ``phones`` (scripted users for tests), ``control_api`` (HTTP for
the phone page) and ``testing`` (PTB applications pointed at a sandbox).
"""
