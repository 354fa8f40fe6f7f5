package dev.baton.server.store;

/** Told by the store, on the writer thread, of every change it records or takes back. */
interface KeyChangeListener {
    /**
     * @param previous the key's live value before the change, or null when it had none
     * @param next the new revision of the key (a put or a tombstone)
     */
    void keyChanged(KeyRevision previous, KeyRevision next);

    /**
     * @param takenBack the revision taken back, which was the key's newest
     * @param restored the key's live value again, or null when it has none
     */
    void keyChangeTakenBack(KeyRevision takenBack, KeyRevision restored);
}
