package io.ecrshare; final class Placeholder {}
