/** What the set-up commands share: the config file, kernel command lines, boot-loader advice. */
package io.kdump4j.setup.config;
