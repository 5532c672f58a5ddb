"""The server-rendered pages people use: consumers, businesses, officials and the public. Views call
the same services and selectors as the API; nothing here holds a business rule."""
