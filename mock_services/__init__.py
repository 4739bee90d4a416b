"""The mock e-government suite candidates work in: portal, mail, documents, signing, one-stop shop."""
